package io.customerpulse.ingest;

import io.customerpulse.avro.IngestRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Reads a JSON-lines events file for the file source, decoding each line where it is read so that
 * watermarks come from event times at the source. A file is one split: read in file order by one
 * reader, which keeps a replay deterministic. Blank lines are skipped.
 */
public final class JsonEventFormat extends SimpleStreamFormat<IngestRecord> {
    private final JsonEventDecoder decoder;
    private final String sourceName;

    public JsonEventFormat(JsonEventDecoder decoder, String sourceName) {
        this.decoder = decoder;
        this.sourceName = sourceName;
    }

    @Override
    public Reader<IngestRecord> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        return new Reader<>() {
            private long lineNumber;

            @Override
            public IngestRecord read() throws IOException {
                String line;
                do {
                    line = lines.readLine();
                    lineNumber++;
                } while (line != null && line.isBlank());
                if (line == null) {
                    return null;
                }
                SourceRef ref = new SourceRef(sourceName, 0, lineNumber);
                return decoder.decode(line, ref, System.currentTimeMillis());
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    @Override
    public TypeInformation<IngestRecord> getProducedType() {
        return new AvroTypeInfo<>(IngestRecord.class);
    }

    /** Unused: the reader is not restored from a position (see {@link StreamFormat}). */
    @Override
    public String toString() {
        return "JsonEventFormat(" + sourceName + ")";
    }
}
