# Installs sota from this unpacked release folder: `make install PREFIX=~/.local` (default /usr/local).
# DESTDIR stages the files for a package (`make install DESTDIR=pkg PREFIX=/usr`).
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

.PHONY: install uninstall

install:
	install -d "$(BINDIR)" "$(MANDIR)" "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)"
	install -m 755 sota "$(BINDIR)/sota"
	install -m 644 sota.1 "$(MANDIR)/sota.1"
	install -m 644 completions/sota.bash "$(BASHDIR)/sota"
	install -m 644 completions/_sota "$(ZSHDIR)/_sota"
	install -m 644 completions/sota.fish "$(FISHDIR)/sota.fish"
	@echo "installed sota in $(BINDIR); man page and bash/zsh/fish completions under $(DESTDIR)$(PREFIX)/share"

uninstall:
	rm -f "$(BINDIR)/sota" "$(MANDIR)/sota.1" "$(BASHDIR)/sota" "$(ZSHDIR)/_sota" "$(FISHDIR)/sota.fish"
