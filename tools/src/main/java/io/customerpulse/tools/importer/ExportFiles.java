package io.customerpulse.tools.importer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The files of the importers: exports read as they come ({@code .gz} too), events written. */
final class ExportFiles {
    private ExportFiles() {}

    /** What writes the events; returns how many. */
    interface Events {
        int writeTo(Writer out) throws IOException;
    }

    /** {@code in}, gunzipped when its name ends in {@code .gz}. */
    static BufferedReader reader(Path in, Charset charset) throws IOException {
        InputStream raw = Files.newInputStream(in);
        InputStream s = in.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        return new BufferedReader(new InputStreamReader(s, charset));
    }

    /** The events to {@code outFile}, or to standard output when it is null; returns how many. */
    static int write(Path outFile, Events events) throws IOException {
        if (outFile != null) {
            try (Writer w = Files.newBufferedWriter(outFile, StandardCharsets.UTF_8)) {
                return events.writeTo(w);
            }
        }
        Writer w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
        int n = events.writeTo(w);
        w.flush();
        return n;
    }
}
