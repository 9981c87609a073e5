package io.customerpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.config.JobConfig;
import io.customerpulse.json.AvroJson;
import io.customerpulse.replay.ReplayRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A replay run as the tests use it, and how its output is read. */
public final class Replays {
    private Replays() {}

    /**
     * Runs the replay topology on RocksDB with checkpoints every 200 ms over {@code input} at
     * {@code parallelism}, with {@code extra} job parameters; returns its output directory.
     */
    public static Path replay(Path dir, Path input, int parallelism, Map<String, String> extra)
            throws Exception {
        Configuration flink = new Configuration();
        flink.setString("state.backend.type", "rocksdb");
        flink.setString("execution.checkpointing.interval", "200 ms");
        flink.setString("execution.checkpointing.incremental", "true");
        flink.setString("execution.checkpointing.dir", dir.resolve("cp").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND))
                .isEqualTo("rocksdb");
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("mode", "replay");
        settings.put("watermark.max-out-of-orderness", "1 h");
        settings.put("watermark.idleness", "0 ms");
        settings.put("job.parallelism", Integer.toString(parallelism));
        Path out = Files.createTempDirectory(dir, "out-p" + parallelism + "-");
        ReplayRunner.run(env, JobConfig.parse(settings), input, out);
        return out;
    }

    /** The last profile per customer of a replay's profiles.jsonl. */
    public static Map<String, JsonNode> profiles(Path out) throws Exception {
        Map<String, JsonNode> byCustomer = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("profiles.jsonl"))) {
            JsonNode n = AvroJson.MAPPER.readTree(line);
            byCustomer.put(n.get("customer_id").asText(), n);
        }
        return byCustomer;
    }
}
