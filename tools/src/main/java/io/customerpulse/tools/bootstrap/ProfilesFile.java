package io.customerpulse.tools.bootstrap;

import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.kafka.AvroBytes;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The last profile of each customer of history ({@link LatestProfileAtAsOf}), kept in files (one
 * per subtask, each record its single-object Avro encoding behind its length) so that after the
 * savepoint they can be published to customer-profiles once — what compaction would leave of every
 * version of history.
 */
final class ProfilesFile implements Sink<CustomerProfile> {
    private final String dir;

    ProfilesFile(Path dir) {
        this.dir = dir.toAbsolutePath().toString();
    }

    @Override
    public SinkWriter<CustomerProfile> createWriter(WriterInitContext context) throws IOException {
        Path part =
                Path.of(dir, "profiles-" + context.getTaskInfo().getIndexOfThisSubtask() + ".bin");
        Files.createDirectories(part.getParent());
        DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(part)));
        return new SinkWriter<>() {
            @Override
            public void write(CustomerProfile profile, Context ctx) throws IOException {
                byte[] bytes = AvroBytes.encode(profile);
                out.writeInt(bytes.length);
                out.write(bytes);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /** Every profile in the files under {@code dir}, to {@code each}, without holding them. */
    static void read(Path dir, IoConsumer<CustomerProfile> each) throws IOException {
        List<Path> parts;
        try (Stream<Path> files = Files.list(dir)) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".bin")).toList();
        }
        for (Path part : parts) {
            try (DataInputStream in =
                    new DataInputStream(new BufferedInputStream(Files.newInputStream(part)))) {
                while (true) {
                    int length;
                    try {
                        length = in.readInt();
                    } catch (EOFException end) {
                        break;
                    }
                    each.accept(AvroBytes.decode(CustomerProfile.class, in.readNBytes(length)));
                }
            }
        }
    }

    /** A consumer that may fail with an I/O error. */
    interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }

    /**
     * The later of two profiles of a customer: the latest {@code updated_at}, then the highest
     * version (a new history after an expiry or an erasure starts at version 1). An erasure's
     * marker is the latest at its time (it follows every event at or before it).
     */
    static CustomerProfile later(CustomerProfile a, CustomerProfile b) {
        int byTime = a.getUpdatedAt().compareTo(b.getUpdatedAt());
        if (byTime != 0) {
            return byTime > 0 ? a : b;
        }
        if ((a.getErasedAt() != null) != (b.getErasedAt() != null)) {
            return a.getErasedAt() != null ? a : b;
        }
        return a.getVersion() >= b.getVersion() ? a : b;
    }
}
