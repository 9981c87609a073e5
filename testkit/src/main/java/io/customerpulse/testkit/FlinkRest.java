package io.customerpulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The Flink REST API as the soak and the benchmarks read it: JSON in and out, and the one "is the
 * job running" probe they share.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    /** The REST endpoint at {@code base}, e.g. {@code http://localhost:8081}. */
    public FlinkRest(String base) {
        this.base = base;
    }

    public static FlinkRest onPort(int port) {
        return new FlinkRest("http://localhost:" + port);
    }

    /** GET {@code path} (e.g. {@code /jobs/ID/checkpoints}) as JSON. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).build());
    }

    /** POST a JSON body to {@code path}. */
    public JsonNode post(String path, String json) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    /** PATCH {@code path} without a body (e.g. {@code /jobs/ID?mode=cancel}). */
    public JsonNode patch(String path) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    /**
     * Whether the job is RUNNING with every task RUNNING — or FINISHED, a bounded source that has
     * ended (the empty CLV-model source of the benchmarks). False while the endpoint does not
     * answer (it may be busy while the job restarts).
     */
    public boolean running(String jobId, boolean finishedCounts) throws InterruptedException {
        JsonNode job;
        try {
            job = get("/jobs/" + jobId);
        } catch (IOException notYet) {
            return false;
        }
        boolean running =
                "RUNNING".equals(job.path("state").asText()) && job.path("vertices").size() > 0;
        for (JsonNode v : job.path("vertices")) {
            String status = v.path("status").asText();
            running &= "RUNNING".equals(status) || (finishedCounts && "FINISHED".equals(status));
        }
        return running;
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
    }
}
