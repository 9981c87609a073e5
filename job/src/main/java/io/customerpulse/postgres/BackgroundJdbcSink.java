package io.customerpulse.postgres;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.function.SerializableSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's {@link JdbcSink}, with two differences: its writer runs on a thread of its own, and
 * closing it never throws. Everything else (batching, retries, the interval flush, the committer,
 * the state) is the connector's, unchanged.
 *
 * <p><b>Why a thread of its own.</b> The connector's writer executes a full batch on the thread
 * that hands it a row, and its interval flush holds the same lock through the database round trip.
 * The PostgreSQL sinks are chained to the customer operator, so that thread is the operator's: over
 * one {@code scripts/bench e2e} run (JFR) the customer task waited 51 s in PostgreSQL socket reads
 * and 15 s on that lock, most of it inside a watermark's burst of profiles, which the Kafka sink
 * downstream then received late; and 38 % of its CPU samples were binding and copying rows. Moving
 * the writers into tasks of their own (unchained) costs a serialization of every row and was 6–15 %
 * slower (BENCHMARKS.md, section 3). Here the task thread only puts the row in a bounded queue
 * ({@link BackgroundWriter}); a full queue back-pressures it as a slow database did before.
 *
 * <p><b>Nothing is lost, nothing waits longer at a checkpoint.</b> Flink calls {@code flush} before
 * every checkpoint barrier and at the end of the input: it returns when every row handed over
 * before it has been written (as the connector's flush did), so a checkpoint still covers only rows
 * that are in the database. A failure of the background writer fails the task at its next row or
 * flush, and the rows after the last checkpoint come again from the sources. The rows must not be
 * changed after they are handed over: the job's operators emit a new record every time.
 *
 * <p><b>Why closing never throws.</b> When PostgreSQL goes away, the connector's writer fails the
 * task (right), and then its {@code close()} tries to flush the same batch again and throws
 * (connector 4.0.0-2.0: "Writing records to JDBC failed", an NPE on a closed statement inside; or
 * pgjdbc's AssertionError "getAutoCommit() should not throw" when the connection broke mid-batch).
 * Flink calls {@code close()} while it is already handling the task's failure, and an exception
 * there is fatal: the TaskManager shuts itself down ("FATAL - exception in exception handler"), so
 * the job cannot get its slots back. Swallowing it loses nothing, for the reason above.
 */
final class BackgroundJdbcSink<T>
        implements Sink<T>,
                SupportsWriterState<T, JdbcWriterState>,
                SupportsCommitter<JdbcCommitable> {
    private static final long serialVersionUID = 1L;

    private final SerializableSupplier<JdbcSink<T>> connector;
    private final String name;
    private final int queueCapacity;

    /** The connector's sink, built on first use in the process that uses it. */
    private transient JdbcSink<T> sink;

    /**
     * @param connector builds the connector's sink where it is used (the TaskManager), so what it
     *     reads there — the password from the environment — stays out of the job graph
     * @param name the writer thread's name
     * @param queueCapacity rows handed over and not yet given to the connector's writer
     */
    BackgroundJdbcSink(
            SerializableSupplier<JdbcSink<T>> connector, String name, int queueCapacity) {
        this.connector = connector;
        this.name = name;
        this.queueCapacity = queueCapacity;
    }

    private JdbcSink<T> sink() {
        if (sink == null) {
            sink = connector.get();
        }
        return sink;
    }

    @Override
    public BackgroundWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new BackgroundWriter<>(
                sink().createWriter(context), threadName(context), queueCapacity);
    }

    @Override
    public BackgroundWriter<T> restoreWriter(
            WriterInitContext context, Collection<JdbcWriterState> recoveredState)
            throws IOException {
        return new BackgroundWriter<>(
                sink().restoreWriter(context, recoveredState), threadName(context), queueCapacity);
    }

    private String threadName(WriterInitContext context) {
        return name + " (" + (context.getTaskInfo().getIndexOfThisSubtask() + 1) + ")";
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return sink().getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context)
            throws IOException {
        return sink().createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return sink().getCommittableSerializer();
    }

    /**
     * The writer that hands rows to another writer on a thread of its own. Only that thread calls
     * the inner writer's {@code write} and {@code flush}; the task thread calls the rest (state,
     * commit, close) after a flush, when that thread is idle, and under the same lock.
     *
     * @param <T> rows
     */
    static final class BackgroundWriter<T>
            implements StatefulSinkWriter<T, JdbcWriterState>,
                    CommittingSinkWriter<T, JdbcCommitable> {
        private static final Logger LOG = LoggerFactory.getLogger(BackgroundWriter.class);

        /** How often a waiting task thread looks whether the writer thread failed. */
        private static final long POLL_MILLIS = 50;

        /** A request to flush the inner writer, done when everything before it was written. */
        private record Flush(boolean endOfInput, CountDownLatch done) {}

        private final StatefulSinkWriter<T, JdbcWriterState> state;
        private final CommittingSinkWriter<T, JdbcCommitable> committing;
        private final BlockingQueue<Object> queue;
        private final Thread thread;
        private volatile Throwable failure;

        <W extends StatefulSinkWriter<T, JdbcWriterState> & CommittingSinkWriter<T, JdbcCommitable>>
                BackgroundWriter(W inner, String threadName, int queueCapacity) {
            this.state = inner;
            this.committing = inner;
            this.queue = new ArrayBlockingQueue<>(queueCapacity);
            this.thread = new Thread(this::run, threadName);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            hand(element);
        }

        /**
         * Returns when every row handed over before it has been written by the inner writer's own
         * flush; fails if the writer thread failed.
         */
        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            Flush flush = new Flush(endOfInput, new CountDownLatch(1));
            hand(flush);
            while (!flush.done().await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                checkFailure();
            }
            checkFailure();
        }

        private void hand(Object item) throws IOException, InterruptedException {
            checkFailure();
            while (!queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                checkFailure(); // full: back-pressure, unless the writer thread has died
            }
        }

        private void checkFailure() throws IOException {
            Throwable t = failure;
            if (t != null) {
                throw new IOException("Writing to PostgreSQL failed: " + t.getMessage(), t);
            }
        }

        /** The writer thread: rows and flushes in the order they were handed over. */
        @SuppressWarnings("unchecked")
        private void run() {
            try {
                while (true) {
                    Object item = queue.take();
                    synchronized (this) {
                        if (item instanceof Flush flush) {
                            state.flush(flush.endOfInput());
                            flush.done().countDown();
                        } else {
                            state.write((T) item, null); // JdbcWriter does not read the context
                        }
                    }
                }
            } catch (InterruptedException e) {
                // closing
            } catch (Throwable t) {
                failure = t; // the task thread throws it at its next row or flush
                LOG.warn("Writing to PostgreSQL failed; the task fails at its next row", t);
            }
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
            synchronized (this) {
                return committing.prepareCommit();
            }
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
            synchronized (this) {
                return state.snapshotState(checkpointId);
            }
        }

        /**
         * Stops the writer thread, then closes the inner writer. Rows still queued are dropped: at
         * the end of the input Flink has flushed them, and on a failure or a cancellation they come
         * again from the last checkpoint.
         */
        @Override
        public void close() {
            queue.clear();
            thread.interrupt(); // it waits for a row, or finishes the database call it is in
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                state.close();
            } catch (Exception | AssertionError e) {
                // pgjdbc 42.7 reports a broken connection found by that flush as an
                // AssertionError ("getAutoCommit() should not throw", BatchResultHandler): an
                // Error, so catching Exception alone let it through and the TaskManager died
                LOG.warn(
                        "Closing the PostgreSQL writer failed; its unflushed rows come again"
                                + " from the last checkpoint",
                        e);
            }
        }
    }
}
