package io.customerpulse.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.PulseSources;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.Cli;
import io.customerpulse.config.EmbeddedFlink;
import io.customerpulse.config.JobConfig;
import io.customerpulse.profile.CustomerProfileOperator;
import io.customerpulse.testkit.FlinkRest;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/bench}: the customer operator's throughput and state, measured (BENCHMARKS.md).
 *
 * <ul>
 *   <li>{@code throughput}: the same events, built before anything is timed ({@link BenchEvents}),
 *       through the floor (keyBy, stateless pass-through, discard), the q18-style peer (keyBy, the
 *       last event in a {@code ValueState}, emit), the customer operator on RocksDB and on the heap
 *       backend at parallelism 1 and 2, and the limit: the operator's logic alone ({@link
 *       EngineLoop}, no Flink). Each configuration runs {@code --repeats} times, interleaved; the
 *       medians are printed with each one ÷ floor, ÷ peer and ÷ limit, per second and per
 *       CPU-second of the whole JVM. {@code --compare "label:k=v;…"} adds variants with other Flink
 *       settings.
 *   <li>{@code state}: {@code --customers} customers on RocksDB with incremental checkpoints every
 *       5 s, loaded at full speed and then paced at {@code --load} of that rate: state bytes per
 *       customer, checkpoint durations (p50/p99, split into start_delay, alignment, sync and async
 *       from the REST per-task details) and the recovery time of a task failure at that size.
 *   <li>{@code e2e}: {@link EndToEndBenchmark}.
 * </ul>
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Whole-job benchmarks (BENCHMARKS.md): throughput (events per CPU-second beside the"
                    + " floor, the q18 peer and the limit), state (a million customers:"
                    + " checkpoints, bytes), e2e (Kafka and PostgreSQL: sustained rate, latency)."
                    + " scripts/bench jmh runs the JMH benchmark instead."
        })
public final class ProfileBenchmark implements Callable<Integer> {
    private static FlinkRest rest; // the running state bench's REST endpoint

    enum Mode {
        throughput,
        state,
        e2e
    }

    enum Sustained {
        fed,
        drain
    }

    @Parameters(
            index = "0",
            arity = "0..1",
            defaultValue = "throughput",
            description = "throughput, state or e2e (default: ${DEFAULT-VALUE})")
    Mode mode;

    @Option(
            names = "--events",
            description = "events generated (throughput 1,000,000; state 5,000,000)")
    Long events;

    @Option(names = "--customers", description = "customers (throughput 100,000; state 1,000,000)")
    Integer customers;

    @Option(names = "--repeats", description = "throughput: interleaved repeats (default 3)")
    Integer repeats;

    @Option(
            names = "--only",
            paramLabel = "N,N",
            description = "throughput: the configurations to run, e.g. 2,3,4")
    String only;

    @Option(
            names = "--compare",
            paramLabel = "LABEL:K=V;...",
            description = "throughput: extra RocksDB p1 rows with these Flink settings")
    String compare;

    @Option(names = "--load", description = "state, e2e: share of the full rate (default 0.7)")
    Double load;

    @Option(names = "--full-rate", description = "state: skip the full-speed load, take this rate")
    Double fullRate;

    @Option(names = "--backlog", description = "e2e: events of phase 1 (default 1,000,000)")
    Long backlog;

    @Option(names = "--seconds", description = "e2e: measured seconds (default 60)")
    Integer seconds;

    @Option(
            names = "--warmup",
            description = "e2e: seconds of load before it is measured (default 30)")
    Integer warmup;

    @Option(names = "--rate", description = "e2e: phase 2 at this many events/s, phase 1 skipped")
    Double rate;

    @Option(names = "--sustained", description = "e2e: fed (default) or drain")
    Sustained sustained;

    @Option(
            names = "--watermarks",
            description = "e2e: sample every task's watermark (a diagnosis)")
    boolean watermarks;

    @Option(
            names = "--no-dashboard-triggers",
            description = "e2e: the dashboard aggregates' triggers off (what they cost the job)")
    boolean noDashboardTriggers;

    @Option(names = "--flink", paramLabel = "K=V,...", description = "Flink settings to try")
    String flink;

    @Option(names = "--job", paramLabel = "K=V,...", description = "job parameters to try")
    String job;

    @Option(
            names = "--dir",
            defaultValue = "target/bench",
            description = "work directory (default: ${DEFAULT-VALUE})")
    Path dir;

    public ProfileBenchmark() {}

    public static void main(String[] args) {
        Cli.exit(new ProfileBenchmark(), args);
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> o = new HashMap<>();
        Object[][] given = {
            {"--events", events},
            {"--customers", customers},
            {"--repeats", repeats},
            {"--only", only},
            {"--compare", compare},
            {"--load", load},
            {"--full-rate", fullRate},
            {"--backlog", backlog},
            {"--seconds", seconds},
            {"--warmup", warmup},
            {"--rate", rate},
            {"--sustained", sustained},
            {"--flink", flink},
            {"--job", job}
        };
        for (Object[] g : given) {
            if (g[1] != null) {
                o.put((String) g[0], g[1].toString());
            }
        }
        if (watermarks) {
            o.put("--watermarks", "on");
        }
        if (noDashboardTriggers) {
            o.put("--no-dashboard-triggers", "on");
        }
        for (String kvs : new String[] {flink, job}) {
            if (kvs != null && !kvs.matches("([^=,]+=[^,]*)(,[^=,]+=[^,]*)*")) {
                throw new Cli.UsageError("--flink and --job take key=value,key=value, got " + kvs);
            }
        }
        if (o.containsKey("--flink")) { // Flink settings to try: --flink key=value,key=value
            System.setProperty("bench.flink", o.get("--flink"));
        }
        if (o.containsKey("--job")) { // job parameters to try: --job key=value,key=value
            System.setProperty("bench.job", o.get("--job"));
        }
        if (o.containsKey("--compare")) { // Flink settings to compare: --compare "label:k=v;..."
            System.setProperty("bench.compare", o.get("--compare"));
        }
        if (o.containsKey("--only")) { // configurations to run: --only 3,4
            System.setProperty("bench.only", o.get("--only"));
        }
        Files.createDirectories(dir);
        System.out.printf(
                "machine: %d cores, max heap %d MB, %s %s%n",
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        switch (mode) {
            case throughput ->
                    throughput(
                            new BenchEvents(
                                    Long.parseLong(o.getOrDefault("--events", "1000000")),
                                    Integer.parseInt(o.getOrDefault("--customers", "100000"))),
                            Integer.parseInt(o.getOrDefault("--repeats", "3")),
                            dir);
            case state ->
                    state(
                            new BenchEvents(
                                    Long.parseLong(o.getOrDefault("--events", "5000000")),
                                    Integer.parseInt(o.getOrDefault("--customers", "1000000"))),
                            Double.parseDouble(o.getOrDefault("--load", "0.7")),
                            Double.parseDouble(o.getOrDefault("--full-rate", "0")),
                            dir);
            case e2e -> EndToEndBenchmark.run(o, dir);
        }
        return 0;
    }

    // ---------------------------------------------------------------- throughput

    private record Run(double eventsPerSecond, double eventsPerCpuSecond) {}

    static final String FLOOR = "floor: keyBy, stateless pass-through";
    static final String PEER = "peer (q18): keyBy, last event in ValueState, RocksDB";
    static final String ROCKSDB_P1 = "customer operator, RocksDB, p1";
    static final String HEAP_P1 = "customer operator, heap, p1";
    static final String ROCKSDB_P2 = "customer operator, RocksDB, p2";
    static final String HEAP_P2 = "customer operator, heap, p2";
    static final String LIMIT = "limit: the operator's logic alone, one thread";

    private static void throughput(BenchEvents ev, int repeats, Path dir) throws Exception {
        System.out.printf(
                "throughput: %,d events, %,d customers, %d repeats, interleaved%n",
                ev.n(), ev.customers(), repeats);
        long built = System.nanoTime();
        ev.prebuilt();
        System.out.printf(
                "  %,d events built in %.1f s (before anything is timed)%n",
                ev.n(), (System.nanoTime() - built) / 1e9);
        Map<String, Measured> all = new LinkedHashMap<>();
        all.put(FLOOR, () -> job(ev, Pipeline.FLOOR, "rocksdb", 1, dir));
        all.put(PEER, () -> job(ev, Pipeline.PEER, "rocksdb", 1, dir));
        all.put(ROCKSDB_P1, () -> job(ev, Pipeline.OPERATOR, "rocksdb", 1, dir));
        all.put(HEAP_P1, () -> job(ev, Pipeline.OPERATOR, "hashmap", 1, dir));
        all.put(ROCKSDB_P2, () -> job(ev, Pipeline.OPERATOR, "rocksdb", 2, dir));
        all.put(HEAP_P2, () -> job(ev, Pipeline.OPERATOR, "hashmap", 2, dir));
        all.put(LIMIT, () -> limit(ev));
        variants(System.getProperty("bench.compare"))
                .forEach(
                        (label, settings) ->
                                all.put(
                                        ROCKSDB_P1 + ", " + label,
                                        () ->
                                                job(
                                                        ev,
                                                        Pipeline.OPERATOR,
                                                        "rocksdb",
                                                        1,
                                                        dir,
                                                        settings)));
        // -Dbench.only=2,3: only those configurations (1-based, in the order above), e.g. to
        // profile
        String only = System.getProperty("bench.only", "");
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (int r = 0; r < repeats; r++) {
            int i = 0;
            for (var e : all.entrySet()) {
                i++;
                if (only.isEmpty() || List.of(only.split(",")).contains(Integer.toString(i))) {
                    measure(runs, e.getKey(), e.getValue());
                }
            }
        }
        if (!runs.containsKey(FLOOR) || !runs.containsKey(PEER) || !runs.containsKey(LIMIT)) {
            return; // the ratios need all three
        }
        double floor = median(runs.get(FLOOR), false);
        double peer = median(runs.get(PEER), false);
        double limit = median(runs.get(LIMIT), false);
        System.out.printf(
                "%n| pipeline | events/s | events per CPU-second | runs (events per CPU-second)"
                        + " | ÷ floor | ÷ peer | ÷ limit |%n");
        System.out.println("|---|---|---|---|---|---|---|");
        for (var e : runs.entrySet()) {
            double perCpu = median(e.getValue(), false);
            System.out.printf(
                    "| %s | %,.0f | %,.0f | %s | %.2f | %.2f | %.3f |%n",
                    e.getKey(),
                    median(e.getValue(), true),
                    perCpu,
                    e.getValue().stream()
                            .map(x -> String.format("%,.0f", x.eventsPerCpuSecond()))
                            .collect(Collectors.joining(" / ")),
                    perCpu / floor,
                    perCpu / peer,
                    perCpu / limit);
        }
        System.out.printf(
                "%nRocksDB ÷ heap (p1, per CPU-second): %.2f%n",
                median(runs.get(ROCKSDB_P1), false) / median(runs.get(HEAP_P1), false));
    }

    private interface Measured {
        Run run() throws Exception;
    }

    private static void measure(Map<String, List<Run>> runs, String name, Measured m)
            throws Exception {
        System.gc();
        Run r = m.run();
        System.out.printf(
                "  %-52s %,12.0f events/s %,12.0f events/CPU-s%n",
                name, r.eventsPerSecond(), r.eventsPerCpuSecond());
        runs.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
    }

    private static double median(List<Run> runs, boolean wall) {
        List<Double> v =
                new ArrayList<>(
                        runs.stream()
                                .map(r -> wall ? r.eventsPerSecond() : r.eventsPerCpuSecond())
                                .toList());
        Collections.sort(v);
        return v.get(v.size() / 2);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * The configuration every operator run uses: the job's defaults (and {@code --job} settings),
     * as of the last event.
     */
    static JobConfig config(BenchEvents ev) {
        return config(ev, Map.of());
    }

    /** The same with a variant's job parameters over them. */
    static JobConfig config(BenchEvents ev, Map<String, String> variant) {
        return jobSettings(variant).withAsOf(java.time.Instant.ofEpochMilli(ev.lastTime()));
    }

    /** The settings of system property {@code name} ({@code key=value,key=value}), in order. */
    static Map<String, String> keyValues(String name) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String kv : System.getProperty(name, "").split(",")) {
            if (!kv.isBlank()) {
                out.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return out;
    }

    /** The job's defaults with {@code -Dbench.job=key=value,key=value} over them. */
    static JobConfig jobSettings() {
        return jobSettings(Map.of());
    }

    private static JobConfig jobSettings(Map<String, String> variant) {
        Map<String, String> settings = new HashMap<>();
        settings.putAll(keyValues("bench.job"));
        variant.forEach(
                (key, value) -> {
                    if (isJobParameter(key)) {
                        settings.put(key, value);
                    }
                });
        return JobConfig.parse(settings);
    }

    /** Whether a variant's key is a job parameter (else it is a Flink setting). */
    static boolean isJobParameter(String key) {
        for (io.customerpulse.config.ConfigKey k : io.customerpulse.config.ConfigKey.values()) {
            if (k.key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The limit: the customer operator's logic alone ({@link EngineLoop}) over the same prebuilt
     * events, on one thread, with no Flink around it.
     */
    static Run limit(BenchEvents ev) {
        CustomerEvent[] events = ev.prebuilt();
        EngineLoop loop = new EngineLoop(config(ev));
        long cpu = cpuNanos();
        long start = System.nanoTime();
        long profiles = loop.run(events, null);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (cpuNanos() - cpu) / 1e9;
        if (profiles == 0) {
            throw new IllegalStateException("no profile was produced");
        }
        return new Run(events.length / seconds, events.length / cpuSeconds);
    }

    /**
     * A job's Flink configuration: flink-conf/config.yaml (the production settings: object reuse,
     * RocksDB options, ...), then the benchmark's own (backend, checkpoint interval and directory,
     * slots), then {@code -Dbench.flink} and a variant's settings.
     */
    private static Configuration flink(String backend, int parallelism, Path dir) {
        return flink(backend, parallelism, dir, Map.of());
    }

    private static Configuration flink(
            String backend, int parallelism, Path dir, Map<String, String> variant) {
        Configuration conf = EmbeddedFlink.configuration();
        conf.setString("state.backend.type", backend);
        conf.setString("execution.checkpointing.interval", "10 s");
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString(
                "execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(parallelism));
        conf.setString("pipeline.generic-types", "false");
        conf.setString("pipeline.auto-generate-uids", "true"); // the bench's own operators
        conf.setString(
                "execution.checkpointing.externalized-checkpoint-retention",
                "DELETE_ON_CANCELLATION");
        // -Dbench.flink=key=value,key=value: Flink settings to try (e.g. the timer service)
        keyValues("bench.flink").forEach(conf::setString);
        variant.forEach(
                (key, value) -> {
                    if (!isJobParameter(key)) {
                        conf.setString(key, value);
                    }
                });
        return conf;
    }

    /**
     * {@code --compare "label:key=value,key=value;label2:key=value"}: settings to measure, each a
     * variant of the customer operator on RocksDB at p1, interleaved with the rest; a key is a job
     * parameter (README's table) or else a Flink setting.
     */
    static Map<String, Map<String, String>> variants(String spec) {
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return variants;
        }
        for (String v : spec.split(";")) {
            String label = v.substring(0, v.indexOf(':')).trim();
            Map<String, String> settings = new LinkedHashMap<>();
            for (String kv : v.substring(v.indexOf(':') + 1).split(",")) {
                settings.put(
                        kv.substring(0, kv.indexOf('=')).trim(),
                        kv.substring(kv.indexOf('=') + 1).trim());
            }
            variants.put(label, settings);
        }
        return variants;
    }

    /** What runs between the source and the discarding sink. */
    enum Pipeline {
        /** keyBy and a stateless pass-through: what reading, shuffling and emitting cost. */
        FLOOR,
        /** keyBy, the customer's last event kept in a ValueState and emitted (Nexmark q18). */
        PEER,
        /** keyBy and the customer operator exactly as the job configures it. */
        OPERATOR
    }

    /** The q18-style peer: keeps each customer's last event and emits it. */
    static final class KeepLast extends KeyedProcessFunction<String, CustomerEvent, CustomerEvent> {
        private transient ValueState<CustomerEvent> last;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            last =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(
                                            "last", new AvroTypeInfo<>(CustomerEvent.class)));
        }

        @Override
        public void processElement(CustomerEvent e, Context ctx, Collector<CustomerEvent> out)
                throws Exception {
            CustomerEvent previous = last.value();
            if (previous == null || previous.getEventTime().compareTo(e.getEventTime()) <= 0) {
                last.update(e);
                out.collect(e);
            }
        }
    }

    private static void topology(
            StreamExecutionEnvironment env,
            DataStream<CustomerEvent> events,
            Pipeline pipeline,
            JobConfig config) {
        DataStream<CustomerEvent> timed =
                events.assignTimestampsAndWatermarks(
                                WatermarkStrategy.<CustomerEvent>forBoundedOutOfOrderness(
                                                Duration.ofMinutes(5))
                                        .withTimestampAssigner(
                                                (e, ts) -> e.getEventTime().toEpochMilli()))
                        .name("timestamps");
        var keyed = timed.keyBy(CustomerEvent::getCustomerId);
        switch (pipeline) {
            case FLOOR ->
                    keyed.map(e -> e)
                            .returns(new AvroTypeInfo<>(CustomerEvent.class))
                            .name("pass-through")
                            .sinkTo(new DiscardingSink<>())
                            .name("discard");
            case PEER ->
                    keyed.process(new KeepLast())
                            .returns(new AvroTypeInfo<>(CustomerEvent.class))
                            .uid("keep-last")
                            .name("keep last event")
                            .sinkTo(new DiscardingSink<>())
                            .name("discard");
            case OPERATOR ->
                    keyed.connect(PulseSources.noClvModels(env).broadcast())
                            .transform(
                                    "customer profiles",
                                    new AvroTypeInfo<>(CustomerProfile.class),
                                    CustomerProfileOperator.of(config))
                            .uid("customer-profiles")
                            .sinkTo(new DiscardingSink<>())
                            .name("discard");
        }
    }

    static Run job(BenchEvents ev, Pipeline pipeline, String backend, int parallelism, Path dir)
            throws Exception {
        return job(ev, pipeline, backend, parallelism, dir, Map.of());
    }

    static Run job(
            BenchEvents ev,
            Pipeline pipeline,
            String backend,
            int parallelism,
            Path dir,
            Map<String, String> variant)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        parallelism, flink(backend, parallelism, dir, variant));
        // fromSequence gives each subtask a contiguous range: map position j of subtask k to event
        // k + j * parallelism, so all subtasks move through event time together
        long n = ev.n() - ev.n() % parallelism;
        long perSplit = n / parallelism;
        ev.prebuilt();
        topology(
                env,
                env.fromSequence(0, n - 1)
                        .name("sequence")
                        .map(
                                seq ->
                                        ev.prebuilt()[
                                                (int)
                                                        ((seq % perSplit) * parallelism
                                                                + seq / perSplit)])
                        .returns(new AvroTypeInfo<>(CustomerEvent.class))
                        .name("prebuilt events"),
                pipeline,
                config(ev, variant));
        long cpu = cpuNanos();
        JobExecutionResult result =
                env.execute("bench " + pipeline + " " + backend + " p" + parallelism);
        double cpuSeconds = (cpuNanos() - cpu) / 1e9;
        double seconds = result.getNetRuntime() / 1e3;
        return new Run(n / seconds, n / cpuSeconds);
    }

    // ---------------------------------------------------------------- state

    static final AtomicLong GENERATED = new AtomicLong();
    static final AtomicBoolean FAIL = new AtomicBoolean();
    static final AtomicLong FAILED_AT = new AtomicLong();

    /**
     * Emits event {@code seq} while there are events — at most {@code ratePerSecond} a second when
     * it is positive — then idles (the job stays up).
     */
    private record Feed(BenchEvents ev, double ratePerSecond)
            implements FlatMapFunction<Long, CustomerEvent> {
        private static final long[] START = {0};

        @Override
        public void flatMap(Long seq, Collector<CustomerEvent> out) throws Exception {
            if (FAIL.getAndSet(false)) {
                FAILED_AT.set(System.nanoTime());
                throw new RuntimeException("benchmark: injected failure to time the recovery");
            }
            if (seq >= ev.n()) {
                Thread.sleep(1);
                return;
            }
            if (ratePerSecond > 0) {
                if (seq == 0 || START[0] == 0) {
                    START[0] = System.nanoTime();
                }
                long due = START[0] + (long) (seq * 1e9 / ratePerSecond);
                long ahead = due - System.nanoTime();
                if (ahead > 1_000_000) { // more than a millisecond ahead: wait
                    java.util.concurrent.locks.LockSupport.parkNanos(ahead);
                }
            }
            out.collect(ev.event(seq));
            GENERATED.set(seq + 1);
        }
    }

    /** What one load of the state benchmark measured. */
    private record Load(double eventsPerSecond, String report) {}

    /**
     * {@code scripts/bench state}: {@code --customers} customers on RocksDB with incremental
     * checkpoints every 5 s, loaded twice — at full speed, then at {@code --load} (0.7) of that
     * rate — with the checkpoints of each split by phase; the state per customer; and the recovery
     * time of a task failure at that size.
     */
    private static void state(BenchEvents ev, double load, double rate, Path dir) throws Exception {
        System.out.printf(
                "state: %,d events, %,d customers, RocksDB, incremental checkpoints every 5 s%n",
                ev.n(), ev.customers());
        double full = rate;
        if (rate <= 0) { // measure the full-speed rate first, then load at a share of it
            Load unpaced = load(ev, 0, dir, false);
            System.out.println(unpaced.report());
            full = unpaced.eventsPerSecond();
        }
        Load paced = load(ev, full * load, dir, true);
        System.out.printf("%n--- at %.0f %% of that rate ---%n%s%n", load * 100, paced.report());
    }

    private static Load load(BenchEvents ev, double rate, Path dir, boolean recovery)
            throws Exception {
        GENERATED.set(0);
        FAIL.set(false);
        FAILED_AT.set(0);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path checkpoints = dir.resolve(rate > 0 ? "state-paced" : "state-full");
        Dirs.delete(checkpoints);
        Configuration conf = flink("rocksdb", 1, checkpoints);
        conf.setString("execution.checkpointing.interval", "5 s");
        conf.setString("execution.checkpointing.min-pause", "0 s");
        conf.setString("rest.port", String.valueOf(port));
        conf.setString("rest.bind-port", String.valueOf(port));
        conf.setString("web.checkpoints.history", "1000");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "0 s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        topology(
                env,
                env.fromSequence(0, Long.MAX_VALUE)
                        .name("sequence")
                        .flatMap(new Feed(ev, rate))
                        .returns(new AvroTypeInfo<>(CustomerEvent.class))
                        .name("generate"),
                Pipeline.OPERATOR,
                jobSettings());
        StringBuilder report = new StringBuilder();
        long start = System.nanoTime();
        JobClient job = env.executeAsync("bench state");
        rest = FlinkRest.onPort(port);
        String base = "http://localhost:" + port + "/jobs/" + job.getJobID();
        try {
            while (GENERATED.get() < ev.n()) {
                Thread.sleep(1_000);
            }
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            long loadedAt = System.currentTimeMillis();
            // two checkpoints after the last event: everything before the bound is in state
            JsonNode cp = get(base + "/checkpoints");
            while (completedAfter(cp, loadedAt) < 2) {
                Thread.sleep(1_000);
                cp = get(base + "/checkpoints");
            }
            List<Long> durations = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (JsonNode h : cp.path("history")) {
                if ("COMPLETED".equals(h.path("status").asText())
                        && h.path("trigger_timestamp").asLong() <= loadedAt) {
                    durations.add(h.path("end_to_end_duration").asLong());
                    ids.add(h.path("id").asLong());
                }
            }
            Collections.sort(durations);
            JsonNode latest = cp.path("latest").path("completed");
            long stateSize = latest.path("state_size").asLong();
            long sst =
                    sstBytes(checkpoints.resolve("checkpoints").resolve(job.getJobID().toString()));
            report.append(
                    String.format(
                            "  loaded in %.1f s (%,.0f events/s%s)%n",
                            loadSeconds,
                            ev.n() / loadSeconds,
                            rate > 0 ? String.format(", paced at %,.0f", rate) : ", full speed"));
            report.append(
                    String.format(
                            "  state: %,d bytes in the last checkpoint = %.0f bytes per customer"
                                    + " (SST files in the checkpoint directory: %,d bytes = %.0f"
                                    + " per customer)%n",
                            stateSize,
                            (double) stateSize / ev.customers(),
                            sst,
                            (double) sst / ev.customers()));
            report.append(
                    String.format(
                            "  checkpoints during the load: %d completed, end to end ms p50 %d,"
                                    + " p99 %d, max %d (all: %s)%n",
                            durations.size(),
                            percentile(durations, 0.50),
                            percentile(durations, 0.99),
                            durations.get(durations.size() - 1),
                            durations));
            report.append(checkpointSplit(base, ids));
            if (recovery) {
                FAIL.set(true);
                while (FAILED_AT.get() == 0) {
                    Thread.sleep(10);
                }
                Thread.sleep(200);
                while (!running(base)) {
                    Thread.sleep(20);
                }
                report.append(
                        String.format(
                                "  recovery of a task failure (throw → all tasks RUNNING, state"
                                        + " restored): %d ms%n",
                                (System.nanoTime() - FAILED_AT.get()) / 1_000_000));
            }
            return new Load(ev.n() / loadSeconds, report.toString());
        } finally {
            job.cancel().get();
        }
    }

    private static int completedAfter(JsonNode checkpoints, long at) {
        int n = 0;
        for (JsonNode h : checkpoints.path("history")) {
            if ("COMPLETED".equals(h.path("status").asText())
                    && h.path("trigger_timestamp").asLong() > at) {
                n++;
            }
        }
        return n;
    }

    /** Deletes a directory tree (a previous load's checkpoints). */
    private static final class Dirs {
        static void delete(Path dir) throws java.io.IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static long sstBytes(Path checkpoints) throws Exception {
        if (!Files.isDirectory(checkpoints)) {
            return 0;
        }
        try (var files = Files.walk(checkpoints)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(
                            f -> {
                                try {
                                    return Files.size(f);
                                } catch (java.io.IOException e) {
                                    return 0;
                                }
                            })
                    .sum();
        }
    }

    /**
     * Where checkpoint time goes, from the REST per-task summaries (the slowest task of each
     * checkpoint): the barrier's wait in front of a task behind in-flight records (start_delay),
     * alignment, the synchronous snapshot and the asynchronous upload.
     */
    private static String checkpointSplit(String base, List<Long> ids) throws Exception {
        Map<String, List<Long>> parts = new LinkedHashMap<>();
        for (String part : List.of("start_delay", "alignment", "sync", "async")) {
            parts.put(part, new ArrayList<>());
        }
        for (long id : ids) {
            JsonNode tasks = get(base + "/checkpoints/details/" + id).path("tasks");
            long delay = 0, alignment = 0, sync = 0, async = 0;
            for (var vertex = tasks.fieldNames(); vertex.hasNext(); ) {
                JsonNode s =
                        get(base + "/checkpoints/details/" + id + "/subtasks/" + vertex.next())
                                .path("summary");
                delay = Math.max(delay, s.path("start_delay").path("max").asLong());
                alignment =
                        Math.max(
                                alignment,
                                s.path("alignment").path("duration").path("max").asLong());
                sync =
                        Math.max(
                                sync,
                                s.path("checkpoint_duration").path("sync").path("max").asLong());
                async =
                        Math.max(
                                async,
                                s.path("checkpoint_duration").path("async").path("max").asLong());
            }
            parts.get("start_delay").add(delay);
            parts.get("alignment").add(alignment);
            parts.get("sync").add(sync);
            parts.get("async").add(async);
        }
        StringBuilder out = new StringBuilder();
        for (var e : parts.entrySet()) {
            List<Long> sorted = new ArrayList<>(e.getValue());
            Collections.sort(sorted);
            out.append(
                    String.format(
                            "  checkpoint %s ms (slowest task): p50 %d, p99 %d, max %d%n",
                            e.getKey(),
                            percentile(sorted, 0.50),
                            percentile(sorted, 0.99),
                            sorted.get(sorted.size() - 1)));
        }
        return out.toString();
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static boolean running(String job) throws Exception {
        // the empty CLV-model source finishes at once and is not restarted
        return rest.running(job.substring(job.indexOf("/jobs/") + 6), true);
    }

    private static JsonNode get(String url) throws Exception {
        return rest.get(url.substring(url.indexOf("/jobs/")));
    }
}
