/// Where one network's forward passes spent their time, layer by layer, as OpenCV's DNN module
/// measures it (`getPerfProfile`), averaged over the passes profiled.
public struct NetworkProfile: Sendable, Codable, Equatable {
    /// One layer of the imported graph.
    public struct Layer: Sendable, Codable, Equatable {
        public var name: String
        /// OpenCV's layer type (`Convolution`, `Eltwise`, …).
        public var type: String
        /// Milliseconds per forward pass; 0 for a layer fused into another (its time is there).
        public var milliseconds: Double
    }

    /// Which network: `detector 320`, `embedder`, `landmarks`.
    public var network: String
    /// Forward passes profiled.
    public var forwards: Int
    /// Inputs through those passes (faces for the embedder, whose passes are batches).
    public var items: Int
    /// Milliseconds per forward pass, summed over the layers.
    public var milliseconds: Double
    /// Every layer in graph order.
    public var layers: [Layer]

    /// Milliseconds per forward pass by layer type, largest first.
    public var byType: [(type: String, milliseconds: Double)] {
        Dictionary(layers.map { ($0.type, $0.milliseconds) }, uniquingKeysWith: +)
            .map { (type: $0.key, milliseconds: $0.value) }
            .sorted { $0.milliseconds > $1.milliseconds }
    }
}

/// Sums a network's per-layer timings over the forward passes made while profiling.
final class LayerTimingAccumulator {
    private(set) var forwards = 0
    private(set) var items = 0
    private var names: [String] = []
    private var types: [String] = []
    private var milliseconds: [Double] = []

    func add(names: [String], types: [String], milliseconds: [Double], items: Int) {
        if self.names.isEmpty {
            self.names = names
            self.types = types
            self.milliseconds = Array(repeating: 0, count: names.count)
        }
        // The graph is fixed once imported, so every pass lists the same layers.
        guard names.count == self.names.count else { return }
        for index in milliseconds.indices { self.milliseconds[index] += milliseconds[index] }
        forwards += 1
        self.items += items
    }

    func profile(network: String) -> NetworkProfile {
        let passes = Double(max(forwards, 1))
        let layers = names.indices.map {
            NetworkProfile.Layer(name: names[$0], type: types[$0], milliseconds: milliseconds[$0] / passes)
        }
        return NetworkProfile(
            network: network, forwards: forwards, items: items,
            milliseconds: layers.reduce(0) { $0 + $1.milliseconds }, layers: layers)
    }
}
