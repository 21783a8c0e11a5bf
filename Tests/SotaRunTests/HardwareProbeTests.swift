import Foundation
import SotaSupport
@testable import SotaRun
import SotaTestSupport
import Testing

/// What a run records as the hardware it had (issue 13 item 18): the tools' own output formats, and `cpu` without them.
@Suite struct HardwareProbeTests {
    @Test func nvidiaSmiNamesTheRunsDevice() {
        let output = "0, NVIDIA A100-SXM4-80GB\n1, NVIDIA GeForce RTX 4090\n"
        #expect(HardwareProbe.nvidiaName(output, device: 1) == "NVIDIA GeForce RTX 4090")
        #expect(HardwareProbe.nvidiaName(output, device: 0) == "NVIDIA A100-SXM4-80GB")
        #expect(HardwareProbe.nvidiaName(output, device: 7) == "NVIDIA A100-SXM4-80GB", "an unknown id takes the first GPU")
        #expect(HardwareProbe.nvidiaName("", device: 0) == nil)
        #expect(HardwareProbe.nvidiaName("0, [N/A]\n", device: 0) == nil)
    }

    @Test func rocmSmiNamesTheCardSeries() {
        let old = "device,Card series,Card model,Card vendor,Card SKU\ncard0,Instinct MI210,0x0c34,AMD,D67301\ncard1,Radeon RX 7900 XTX,0x744c,AMD,X\n"
        #expect(HardwareProbe.rocmName(old, device: 1) == "Radeon RX 7900 XTX")
        #expect(HardwareProbe.rocmName(old, device: 0) == "Instinct MI210")
        let newer = "\n\ndevice,Card Series,Card Model,Card Vendor\ncard0,AMD Instinct MI300X,0x74a1,AMD\n"
        #expect(HardwareProbe.rocmName(newer, device: nil) == "AMD Instinct MI300X")
        #expect(HardwareProbe.rocmName("WARNING: no devices\n", device: 0) == nil)
    }

    @Test func withoutAToolOnPathTheRunHadACPUAndWithOneItsGPU() throws {
        let folder = TemporaryDirectory()
        let empty = folder.url("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(HardwareProbe.observe(devices: "0", environment: ["PATH": empty], directory: folder.path) == "cpu")
        // A stand-in nvidia-smi (the test machine has no GPU) answering the query sota sends, and only that one.
        folder.write("bin/nvidia-smi", """
            #!/bin/sh
            [ "$1 $2" = "--query-gpu=index,name --format=csv,noheader" ] || exit 9
            printf '0, NVIDIA H100 80GB HBM3\\n1, NVIDIA L40S\\n'
            """)
        chmod(folder.url("bin/nvidia-smi"), 0o755)
        // A program written this instant can be busy (ETXTBSY) while parallel tests fork: give it a few tries.
        var seen = "cpu"
        for _ in 0..<5 where seen == "cpu" {
            seen = HardwareProbe.observe(devices: "1,0", environment: ["PATH": folder.url("bin")], directory: folder.path)
            if seen == "cpu" { usleep(100_000) }
        }
        #expect(seen == "NVIDIA L40S")
        // A tool that fails (no driver loaded) says nothing: the run had no GPU it could see.
        folder.write("bin/nvidia-smi", "#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 9\n")
        chmod(folder.url("bin/nvidia-smi"), 0o755)
        #expect(HardwareProbe.observe(devices: "0", environment: ["PATH": folder.url("bin")], directory: folder.path) == "cpu")
    }
}
