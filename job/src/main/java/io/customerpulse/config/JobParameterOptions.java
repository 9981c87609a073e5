package io.customerpulse.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The job parameters of a command line, the same on every command that takes them (a picocli
 * mixin): {@code --config FILE.properties} and {@code --set KEY=VALUE}, both repeatable, the single
 * parameters over the files.
 */
public final class JobParameterOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE.properties",
            description = "job parameters (docs/configuration.md); repeatable")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "one job parameter, over the files; repeatable")
    Map<String, String> set = new LinkedHashMap<>();

    /** The files' parameters, then the single ones; a missing file is a usage error. */
    public Map<String, String> settings() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new Cli.UsageError("--config: no such file: " + file);
            }
            settings.putAll(JobArgs.load(file));
        }
        settings.putAll(set);
        return settings;
    }
}
