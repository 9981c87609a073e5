package io.customerpulse.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.customerpulse.postgres.BackgroundJdbcSink.BackgroundWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.junit.jupiter.api.Test;

/**
 * The background writer around a writer that stands for the connector's (the real one against a
 * real PostgreSQL runs in every end-to-end test and in the database outage test).
 */
class BackgroundJdbcSinkTest {
    private static final Duration AT_MOST = Duration.ofSeconds(30);

    /** Records what it is given; each write waits for {@link #database} to be open. */
    static final class Database
            implements StatefulSinkWriter<String, JdbcWriterState>,
                    CommittingSinkWriter<String, JdbcCommitable> {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch database = new CountDownLatch(1);
        volatile String failOn;
        volatile Error failOnClose;

        @Override
        public void write(String row, Context context) throws IOException, InterruptedException {
            database.await();
            if (row.equals(failOn)) {
                throw new IOException("connection refused");
            }
            calls.add(row);
        }

        @Override
        public void flush(boolean endOfInput) {
            calls.add(endOfInput ? "flush(end)" : "flush");
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() {
            calls.add("prepareCommit");
            return List.of();
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) {
            calls.add("snapshot " + checkpointId);
            return List.of(JdbcWriterState.empty());
        }

        @Override
        public void close() {
            if (failOnClose != null) {
                throw failOnClose;
            }
        }
    }

    @Test
    void shouldHandRowsOverWithoutWaitingForTheDatabase() throws Exception {
        Database db = new Database(); // closed: every write waits
        BackgroundWriter<String> writer = new BackgroundWriter<>(db, "test writer", 16);
        assertTimeoutPreemptively(
                AT_MOST,
                () -> {
                    for (int i = 0; i < 10; i++) {
                        writer.write("row " + i, null);
                    }
                });
        assertThat(db.calls).isEmpty();
        db.database.countDown();
        writer.flush(false);
        assertThat(db.calls).hasSize(11).startsWith("row 0", "row 1").endsWith("flush");
        writer.close();
    }

    @Test
    void shouldReturnFromFlushOnlyWhenEveryRowBeforeItIsWrittenAndFlushed() throws Exception {
        Database db = new Database();
        db.database.countDown();
        BackgroundWriter<String> writer = new BackgroundWriter<>(db, "test writer", 4);
        for (int i = 0; i < 100; i++) {
            writer.write("row " + i, null); // more than the queue holds: back-pressured
        }
        writer.flush(true);
        assertThat(db.calls).hasSize(101).endsWith("row 98", "row 99", "flush(end)");
        assertThat(writer.prepareCommit()).isEmpty();
        assertThat(writer.snapshotState(7)).containsExactly(JdbcWriterState.empty());
        assertThat(db.calls).endsWith("flush(end)", "prepareCommit", "snapshot 7");
        writer.close();
    }

    @Test
    void shouldFailTheTaskAtTheNextRowOrFlushOnceTheDatabaseFailed() throws Exception {
        Database db = new Database();
        db.failOn = "row 2";
        BackgroundWriter<String> writer = new BackgroundWriter<>(db, "test writer", 16);
        for (int i = 0; i < 5; i++) {
            writer.write("row " + i, null); // the database is closed: all five are handed over
        }
        db.database.countDown(); // now row 2 fails on the writer thread
        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Writing to PostgreSQL failed: connection refused");
        assertThatThrownBy(() -> writer.write("row 5", null)).isInstanceOf(IOException.class);
        assertThat(db.calls).containsExactly("row 0", "row 1");
        writer.close();
    }

    @Test
    void shouldCloseQuietlyWhenTheConnectorThrowsAnErrorOnClose() {
        Database db = new Database();
        db.failOnClose = new AssertionError("getAutoCommit() should not throw");
        BackgroundWriter<String> writer = new BackgroundWriter<>(db, "test writer", 16);
        assertThatCode(writer::close).doesNotThrowAnyException();
    }

    @Test
    void shouldStopTheWriterThreadOnCloseEvenWithRowsWaiting() throws Exception {
        Database db = new Database(); // closed: the writer thread waits in the first write
        BackgroundWriter<String> writer = new BackgroundWriter<>(db, "test writer close", 16);
        writer.write("row 0", null);
        writer.write("row 1", null);
        assertTimeoutPreemptively(AT_MOST, writer::close);
        assertThat(
                        Thread.getAllStackTraces().keySet().stream()
                                .filter(t -> t.getName().equals("test writer close")))
                .isEmpty();
        assertThat(db.calls).isEmpty();
    }
}
