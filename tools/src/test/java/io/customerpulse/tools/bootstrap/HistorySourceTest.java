package io.customerpulse.tools.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.IngestRecord;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.EventNormalizer;
import io.customerpulse.ingest.JsonEventDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history source's reader: the file's events in order, then the as-of watermark once, then
 * nothing — and no wake-up after it (a completed availability future would make the task poll it in
 * a busy loop until the savepoint).
 */
class HistorySourceTest {
    private static final long AS_OF = Instant.parse("2024-01-10T00:00:00Z").toEpochMilli();

    @TempDir Path dir;

    @Test
    void shouldReadEveryLineThenHoldEventTimeAtAsOfAndSleep() throws Exception {
        Path file =
                Files.write(
                        dir.resolve("history.jsonl"),
                        List.of(view("e1", "2024-01-01"), "", view("e2", "2024-01-02")));
        HistorySource source = source(file);
        SourceReader<IngestRecord, HistorySource.Split> reader = source.createReader(null);
        Recording out = new Recording();
        assertThat(reader.isAvailable()).as("no split yet").isNotDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);

        reader.addSplits(List.of(new HistorySource.Split(file.toString(), 0)));
        assertThat(reader.isAvailable()).isDone();
        while (reader.pollNext(out) == InputStatus.MORE_AVAILABLE) {}

        assertThat(out.events).containsExactly("e1", "e2");
        assertThat(out.watermarks).containsExactly(AS_OF);
        assertThat(reader.isAvailable()).as("woken no more after the end").isNotDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(out.watermarks).containsExactly(AS_OF);
        assertThat(reader.snapshotState(1))
                .containsExactly(new HistorySource.Split(file.toString(), 3));
        reader.close();

        // from a position: the lines after it only
        SourceReader<IngestRecord, HistorySource.Split> restored = source.createReader(null);
        Recording again = new Recording();
        restored.addSplits(List.of(new HistorySource.Split(file.toString(), 2)));
        while (restored.pollNext(again) == InputStatus.MORE_AVAILABLE) {}
        assertThat(again.events).containsExactly("e2");
        assertThat(again.watermarks).containsExactly(AS_OF);
        restored.close();
    }

    private static HistorySource source(Path file) {
        JobConfig config = JobConfig.parse(Map.of("mode", "replay"));
        return new HistorySource(file, new JsonEventDecoder(new EventNormalizer(config)), AS_OF);
    }

    private static String view(String id, String day) {
        return "{\"type\":\"interaction\",\"event_id\":\""
                + id
                + "\",\"customer_id\":\"c1\",\"event_time\":\""
                + day
                + "T00:00:00Z\",\"marketplace\":\"US\",\"interaction_type\":\"PAGE_VIEW\"}";
    }

    /** What the reader emitted: event ids and watermarks. */
    private static final class Recording implements ReaderOutput<IngestRecord> {
        final List<String> events = new ArrayList<>();
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void collect(IngestRecord record) {
            events.add(record.getEvent().getEventId());
        }

        @Override
        public void collect(IngestRecord record, long timestamp) {
            collect(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<IngestRecord> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }
}
