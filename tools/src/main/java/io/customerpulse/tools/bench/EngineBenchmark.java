package io.customerpulse.tools.bench;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.config.JobConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The customer operator's per-event work alone ({@link EngineLoop}: de-duplication, waiting, steps
 * in event-time order with attribution and segments, one profile per step), on the bench mix
 * ({@link BenchEvents}), single-threaded. One operation is one event: the score is events per
 * second; {@code -prof gc} adds the bytes allocated per event ({@code gc.alloc.rate.norm}).
 *
 * <p>Two mixes of the same million events: spread over 200,000 customers (five each, the typical
 * customer), and all of one customer (DESIGN 13: one customer sending a million events, every
 * per-customer list at its cap, must stay within 2x of the typical throughput).
 *
 * <pre>scripts/bench jmh [JMH options, e.g. -prof gc]</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class EngineBenchmark {
    static final int EVENTS = 1_000_000;

    /**
     * Customers the events are spread over: five events each, as in scripts/bench throughput; or
     * one customer with all of them.
     */
    @Param({"200000", "1"})
    int customers;

    private CustomerEvent[] events;
    private EngineLoop loop;

    @Setup(Level.Trial)
    public void setUp() {
        events = new BenchEvents(EVENTS, customers).prebuilt();
        loop = new EngineLoop(JobConfig.defaults());
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long events(Blackhole sink) {
        return loop.run(events, sink::consume);
    }
}
