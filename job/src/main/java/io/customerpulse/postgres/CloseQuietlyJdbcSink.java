package io.customerpulse.postgres;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
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
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's {@link JdbcSink}, except that closing a writer never throws.
 *
 * <p>Why: when PostgreSQL goes away, the connector's writer fails the task (right), and then its
 * {@code close()} tries to flush the same batch again and throws (connector 4.0.0-2.0: "Writing
 * records to JDBC failed", an NPE on a closed statement inside; or pgjdbc's AssertionError
 * "getAutoCommit() should not throw" when the connection broke mid-batch). Flink calls {@code
 * close()} while it is already handling the task's failure, and an exception there is fatal: the
 * TaskManager shuts itself down ("FATAL - exception in exception handler"), so the job cannot get
 * its slots back.
 *
 * <p>Swallowing that exception loses nothing. On a failure the unflushed records come again from
 * the sources after the restore (the checkpoint never covered them); at the end of a bounded input
 * Flink calls {@code flush(true)} before {@code close()}, and a failure there still fails the job.
 * Everything else is delegated unchanged, so the operators and their state stay the same.
 */
final class CloseQuietlyJdbcSink<T>
        implements Sink<T>,
                SupportsWriterState<T, JdbcWriterState>,
                SupportsCommitter<JdbcCommitable> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CloseQuietlyJdbcSink.class);

    private final JdbcSink<T> sink;

    CloseQuietlyJdbcSink(JdbcSink<T> sink) {
        this.sink = sink;
    }

    @Override
    public Writer<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(sink.createWriter(context));
    }

    @Override
    public Writer<T> restoreWriter(
            WriterInitContext context, Collection<JdbcWriterState> recoveredState)
            throws IOException {
        return new Writer<>(sink.restoreWriter(context, recoveredState));
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context)
            throws IOException {
        return sink.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return sink.getCommittableSerializer();
    }

    static final class Writer<T>
            implements StatefulSinkWriter<T, JdbcWriterState>,
                    CommittingSinkWriter<T, JdbcCommitable> {
        private final JdbcWriter<T> writer;

        Writer(JdbcWriter<T> writer) {
            this.writer = writer;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            writer.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            writer.flush(endOfInput);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            writer.writeWatermark(watermark);
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
            return writer.prepareCommit();
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
            return writer.snapshotState(checkpointId);
        }

        @Override
        public void close() {
            try {
                writer.close();
            } catch (Exception | AssertionError e) {
                // pgjdbc 42.7 reports a broken connection found by that flush as an
                // AssertionError ("getAutoCommit() should not throw", BatchResultHandler): an
                // Error,
                // so catching Exception alone let it through and the TaskManager died (CI, 17:08)
                LOG.warn(
                        "Closing the PostgreSQL writer failed; its unflushed rows come again"
                                + " from the last checkpoint",
                        e);
            }
        }
    }
}
