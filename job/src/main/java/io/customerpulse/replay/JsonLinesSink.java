package io.customerpulse.replay;

import io.customerpulse.json.AvroJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Appends records as JSON lines to {@code <dir>/<name>-<subtask>.jsonl}. Used by replay, whose
 * output step ({@link ReplayOutputs}) merges the parts, keeps the highest profile version and
 * removes duplicates a restart may have appended — so at-least-once here is enough.
 */
public final class JsonLinesSink<T extends IndexedRecord> implements Sink<T> {
    private final String dir;
    private final String name;

    public JsonLinesSink(Path dir, String name) {
        this.dir = dir.toString();
        this.name = name;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Path part =
                Path.of(dir, name + "-" + context.getTaskInfo().getIndexOfThisSubtask() + ".jsonl");
        Files.createDirectories(part.getParent());
        BufferedWriter out =
                Files.newBufferedWriter(
                        part,
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                out.write(AvroJson.toJson(element));
                out.newLine();
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
}
