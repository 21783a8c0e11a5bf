import SotaLaunch
import Testing

@Suite struct VastOfferQueryTests {
    static func offer(_ id: Int, _ price: Double, reliability: Double? = 0.99, disk: Double? = 100, gpu: String = "RTX 4090",
                      count: Int = 1) -> VastOffer {
        VastOffer(id: id, gpuName: gpu, gpuCount: count, pricePerHour: price, reliability: reliability, diskSpaceGB: disk)
    }

    @Test func bodyIsTheCLIsQueryWithOurFilters() {
        let query = VastOfferQuery(gpuName: "RTX 4090", gpuCount: 2, maxPricePerHour: 0.8, minReliability: 0.97, diskGB: 50, limit: 10)
        #expect(query.body.rendered(pretty: false) == """
        {"verified":{"eq":true},"external":{"eq":false},"rentable":{"eq":true},"rented":{"eq":false},\
        "gpu_name":{"eq":"RTX 4090"},"num_gpus":{"eq":2},"reliability":{"gte":0.97},"disk_space":{"gte":50.0},\
        "dph_total":{"lte":0.8},"order":[["dph_total","asc"]],"type":"on-demand","limit":10,"allocated_storage":50.0}
        """)
        #expect(!VastOfferQuery(gpuName: "RTX 4090").body.rendered(pretty: false).contains("dph_total\":{"), "no price cap unless asked")
    }

    @Test func gpuNamesAsTheCLISpellsThem() {
        #expect(VastOfferQuery.vastGPUName("RTX-4090") == "RTX 4090")
        #expect(VastOfferQuery.vastGPUName("H100_SXM") == "H100 SXM")
        #expect(VastOfferQuery.vastGPUName("A100 SXM4") == "A100 SXM4")
    }

    @Test func choosesTheCheapestAdmittedOffer() {
        let query = VastOfferQuery(gpuName: "RTX 4090", maxPricePerHour: 0.5, minReliability: 0.95, diskGB: 50)
        let offers = [
            Self.offer(1, 0.42), Self.offer(2, 0.21, reliability: 0.80), Self.offer(3, 0.30, disk: 20),
            Self.offer(4, 0.25, gpu: "RTX 3090"), Self.offer(5, 0.26, count: 2), Self.offer(6, 0.55), Self.offer(7, 0.39),
        ]
        #expect(query.choose(from: offers)?.id == 7)
    }

    @Test func equalPricesGoToTheMoreReliableHostThenTheLowerID() {
        let query = VastOfferQuery(gpuName: "RTX 4090")
        #expect(query.choose(from: [Self.offer(9, 0.35, reliability: 0.97), Self.offer(8, 0.35, reliability: 0.999)])?.id == 8)
        #expect(query.choose(from: [Self.offer(9, 0.35), Self.offer(8, 0.35)])?.id == 8)
    }

    @Test func noOfferWhenNothingFits() {
        let query = VastOfferQuery(gpuName: "H100 SXM", maxPricePerHour: 1)
        #expect(query.choose(from: [Self.offer(1, 0.3), Self.offer(2, 2.4, gpu: "H100 SXM")]) == nil)
        #expect(query.choose(from: [Self.offer(3, .nan, gpu: "H100 SXM")]) == nil)
        #expect(query.choose(from: []) == nil)
    }
}
