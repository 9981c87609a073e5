package io.customerpulse.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Job parameters from {@code --config FILE.properties} and {@code --set key=value} arguments. */
public final class JobArgs {
    private JobArgs() {}

    /** The settings named by the arguments, later ones winning. */
    public static Map<String, String> parse(String[] args) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String value = args[++i];
            switch (args[i - 1]) {
                case "--config" -> settings.putAll(load(Path.of(value)));
                case "--set" -> {
                    String[] kv = value.split("=", 2);
                    if (kv.length != 2) {
                        throw new IllegalArgumentException("--set takes key=value, got " + value);
                    }
                    settings.put(kv[0].trim(), kv[1].trim());
                }
                default ->
                        throw new IllegalArgumentException(
                                "unknown argument "
                                        + args[i - 1]
                                        + " (use --config FILE or --set key=value)");
            }
        }
        return settings;
    }

    /** A properties file as settings. */
    public static Map<String, String> load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        return settings;
    }
}
