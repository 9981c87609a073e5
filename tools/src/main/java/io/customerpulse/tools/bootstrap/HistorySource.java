package io.customerpulse.tools.bootstrap;

import io.customerpulse.avro.IngestRecord;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.ingest.SourceRef;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A seller's history (JSON lines, the replay's format) as a source that reads the file once, then
 * moves event time to the as-of instant itself and stays open, emitting nothing more.
 *
 * <p>Why not the replay's file source: a bounded source that ends sends the final watermark, which
 * ends time in the customer operator (every customer advanced to the end of time), and leaves the
 * operators chained to it finished — neither is a state a live job can continue from. This one
 * holds event time at exactly as-of until {@code scripts/bootstrap} stops the job with a savepoint.
 *
 * <p>One split, the whole file, read in file order by subtask 0 (run it at parallelism 1), so the
 * history's watermarks are the replay's: the job's bounded out-of-orderness over the same lines.
 */
final class HistorySource implements Source<IngestRecord, HistorySource.Split, Boolean> {
    private final String file;
    private final String name;
    private final JsonEventDecoder decoder;
    private final long asOf;

    /**
     * @param file the history, JSON lines
     * @param decoder how a line becomes an event or a rejection (the replay's)
     * @param asOf the watermark emitted once every line is read
     */
    HistorySource(Path file, JsonEventDecoder decoder, long asOf) {
        this.file = file.toAbsolutePath().toString();
        this.name = file.getFileName().toString();
        this.decoder = decoder;
        this.asOf = asOf;
    }

    /** The file and how many of its lines were read. */
    record Split(String file, long linesRead) implements SourceSplit {
        @Override
        public String splitId() {
            return "history";
        }
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED; // it never ends: ending would end event time
    }

    @Override
    public SourceReader<IngestRecord, Split> createReader(SourceReaderContext context) {
        return new Reader();
    }

    @Override
    public SplitEnumerator<Split, Boolean> createEnumerator(SplitEnumeratorContext<Split> context) {
        return new Enumerator(context, false);
    }

    @Override
    public SplitEnumerator<Split, Boolean> restoreEnumerator(
            SplitEnumeratorContext<Split> context, Boolean assigned) {
        return new Enumerator(context, assigned);
    }

    @Override
    public SimpleVersionedSerializer<Split> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Boolean> getEnumeratorCheckpointSerializer() {
        return new AssignedSerializer();
    }

    /** Hands the one split to subtask 0 when it registers (again, if it failed holding it). */
    private final class Enumerator implements SplitEnumerator<Split, Boolean> {
        private final SplitEnumeratorContext<Split> context;
        private Split unassigned;

        Enumerator(SplitEnumeratorContext<Split> context, boolean assigned) {
            this.context = context;
            this.unassigned = assigned ? null : new Split(file, 0);
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String host) {}

        @Override
        public void addSplitsBack(List<Split> splits, int subtask) {
            if (!splits.isEmpty()) {
                unassigned = splits.get(0);
            }
        }

        @Override
        public void addReader(int subtask) {
            if (subtask == 0 && unassigned != null) {
                context.assignSplit(unassigned, 0);
                unassigned = null;
            }
        }

        @Override
        public Boolean snapshotState(long checkpointId) {
            return unassigned == null;
        }

        @Override
        public void close() {}
    }

    /** Reads its split in batches of lines; at the end, the as-of watermark, then nothing. */
    private final class Reader implements SourceReader<IngestRecord, Split> {
        private static final int LINES_PER_POLL = 1_000;
        private CompletableFuture<Void> available = new CompletableFuture<>();
        private BufferedReader lines;
        private long linesRead;
        private boolean done;

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<IngestRecord> output) throws IOException {
            if (lines == null) {
                return InputStatus.NOTHING_AVAILABLE; // no split (yet), or all read
            }
            for (int i = 0; i < LINES_PER_POLL; i++) {
                String line = lines.readLine();
                if (line == null) {
                    lines.close();
                    lines = null;
                    done = true;
                    output.emitWatermark(new Watermark(asOf));
                    available = new CompletableFuture<>(); // never completes: the task idles
                    return InputStatus.NOTHING_AVAILABLE;
                }
                linesRead++;
                if (!line.isBlank()) {
                    output.collect(
                            decoder.decode(
                                    line,
                                    new SourceRef(name, 0, linesRead),
                                    System.currentTimeMillis()));
                }
            }
            return InputStatus.MORE_AVAILABLE;
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            List<Split> state = new ArrayList<>();
            if (lines != null || done) {
                state.add(new Split(file, linesRead));
            }
            return state;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<Split> splits) {
            Split split = splits.get(0);
            try {
                lines = Files.newBufferedReader(Path.of(split.file()), StandardCharsets.UTF_8);
                for (long i = 0; i < split.linesRead(); i++) {
                    lines.readLine();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("history " + split.file(), e);
            }
            linesRead = split.linesRead();
            available.complete(null);
            available = CompletableFuture.completedFuture(null);
        }

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() throws IOException {
            if (lines != null) {
                lines.close();
            }
        }
    }

    private static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
            var bytes = new java.io.ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(split.file());
                out.writeLong(split.linesRead());
            }
            return bytes.toByteArray();
        }

        @Override
        public Split deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in =
                    new DataInputStream(new java.io.ByteArrayInputStream(serialized))) {
                return new Split(in.readUTF(), in.readLong());
            }
        }
    }

    private static final class AssignedSerializer implements SimpleVersionedSerializer<Boolean> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Boolean assigned) {
            return new byte[] {(byte) (assigned ? 1 : 0)};
        }

        @Override
        public Boolean deserialize(int version, byte[] serialized) {
            return serialized[0] == 1;
        }
    }
}
