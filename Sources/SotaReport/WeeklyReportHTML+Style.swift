extension WeeklyReportHTML {
    /// The page's whole style sheet, inline: a light theme in the system font, tables that stay readable, and
    /// print rules that keep cards, charts and table rows from splitting across pages.
    static let styleSheet = """
        :root { color-scheme: light; --text: #1f2937; --muted: #6b7280; --border: #e5e7eb; --panel: #f9fafb; --accent: #2563eb; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: #fff; color: var(--text); font: 14px/1.5 \(SVGChart.fontFamily); }
        main { max-width: \(Int(chartWidth) + 82)px; margin: 0 auto; padding: 32px 28px 40px; }
        header h1 { font-size: 26px; line-height: 1.2; margin: 0 0 6px; }
        header h1 .kind { color: var(--muted); font-weight: 400; }
        .meta { color: var(--muted); margin: 0; }
        h2 { font-size: 18px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--border); }
        h2 .count { color: var(--muted); font-weight: 400; font-size: 14px; }
        p.lead { margin: 0 0 12px; color: var(--muted); }
        .cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-top: 24px; }
        .card { border: 1px solid var(--border); border-radius: 8px; padding: 12px 16px; background: var(--panel); }
        .card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
        .card .value { font-size: 26px; font-weight: 600; line-height: 1.3; font-variant-numeric: tabular-nums; }
        .card .detail { font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
        .card .good { color: #047857; } .card .bad { color: #b91c1c; }
        .notes { margin: 20px 0 0; padding: 10px 16px 10px 34px; background: #fffbeb; border: 1px solid #fde68a; border-radius: 8px; }
        .charts { display: flex; flex-direction: column; gap: 16px; }
        figure { margin: 0; padding: 8px 12px; border: 1px solid var(--border); border-radius: 8px; }
        svg.chart { display: block; width: 100%; max-width: \(Int(chartWidth))px; height: auto; margin: 0 auto; }
        .table-wrap { overflow-x: auto; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--border); vertical-align: baseline; }
        thead th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em;
                   background: var(--panel); border-bottom-color: #d1d5db; white-space: nowrap; }
        tbody tr:nth-child(even) td { background: #fcfcfd; }
        th.num, td.num { text-align: right; }
        td.nowrap { white-space: nowrap; }
        td.text { overflow-wrap: anywhere; }
        tr.current td:first-child { box-shadow: inset 3px 0 0 var(--accent); }
        code, .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace; font-size: 12.5px; }
        .badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; font-weight: 500; white-space: nowrap; }
        .badge.good { background: #d1fae5; color: #065f46; }
        .badge.bad { background: #fee2e2; color: #991b1b; }
        .badge.warn { background: #fef3c7; color: #92400e; }
        .badge.neutral { background: #f3f4f6; color: #374151; }
        .tag { color: var(--accent); font-size: 11px; font-weight: 600; text-transform: uppercase; margin-left: 6px; }
        .empty { color: var(--muted); font-style: italic; margin: 0; }
        footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--border); color: var(--muted); font-size: 12px; }
        @media (max-width: 760px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } main { padding: 20px 14px; } }
        @media print {
          body { font-size: 11px; }
          main { max-width: none; padding: 0; }
          .card, thead th { background: none; }
          tbody tr:nth-child(even) td { background: none; }
          .card, figure, tr, .notes { break-inside: avoid; }
          h2 { break-after: avoid; }
          thead { display: table-header-group; }
        }
        @page { margin: 14mm; }
        """
}
