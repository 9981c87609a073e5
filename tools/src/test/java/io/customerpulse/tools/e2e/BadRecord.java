package io.customerpulse.tools.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * One record of the bad-record corpus ({@code e2e/bad-records.jsonl}, one row per kind): the topic
 * it is published to, its value, and the dead-letter reason expected (null: it is not dead-lettered
 * — a duplicate, say). A row's value is the Avro of an event, that Avro cut in half, the event as
 * JSON text, an empty or null value, or random bytes; an event without {@code event_time} happens
 * at the scenario's time, {@code ${now+30d}} is 30 days after the wall clock, {@code ${x*10000}}
 * ten thousand x.
 */
record BadRecord(String kind, String topic, byte[] value, String reason) {
    static List<BadRecord> corpus(Instant at, Instant now) throws Exception {
        List<BadRecord> corpus = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(
                                Objects.requireNonNull(
                                        BadRecord.class.getResourceAsStream(
                                                "/e2e/bad-records.jsonl")),
                                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode row = AvroJson.MAPPER.readTree(line);
                corpus.add(
                        new BadRecord(
                                row.get("kind").asText(),
                                row.get("topic").asText(),
                                value(row.get("value"), at, now),
                                row.get("reason").asText()));
            }
        }
        return corpus;
    }

    private static byte[] value(JsonNode spec, Instant at, Instant now) throws Exception {
        Map.Entry<String, JsonNode> kind = spec.fields().next();
        return switch (kind.getKey()) {
            case "avro" -> avro(event(kind.getValue(), at, now));
            case "truncated_avro" -> {
                byte[] whole = avro(event(kind.getValue(), at, now));
                yield Arrays.copyOf(whole, whole.length / 2);
            }
            case "json_text" ->
                    event(kind.getValue(), at, now).toString().getBytes(StandardCharsets.UTF_8);
            case "empty" -> new byte[0];
            case "null" -> null;
            case "random_bytes" -> {
                byte[] noise = new byte[kind.getValue().asInt()];
                new Random(3).nextBytes(noise);
                yield noise;
            }
            default -> throw new IllegalArgumentException("unknown value kind " + kind.getKey());
        };
    }

    static byte[] avro(JsonNode event) throws Exception {
        return AvroBytes.encode(JsonEventDecoder.toRecord(event));
    }

    private static ObjectNode event(JsonNode spec, Instant at, Instant now) {
        ObjectNode e = spec.deepCopy();
        if (!e.has("marketplace")) {
            e.put("marketplace", "US");
        }
        if (!e.has("event_time")) {
            e.put("event_time", at.toString());
        }
        e.fieldNames()
                .forEachRemaining(
                        f -> {
                            String v = e.get(f).isTextual() ? e.get(f).asText() : null;
                            if ("${now+30d}".equals(v)) {
                                e.put(f, now.plus(Duration.ofDays(30)).toString());
                            } else if ("${x*10000}".equals(v)) {
                                e.put(f, "x".repeat(10_000));
                            }
                        });
        return e;
    }
}
