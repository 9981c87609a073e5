package io.customerpulse.tools.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.customerpulse.CustomerPulseJob;
import io.customerpulse.config.Cli;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The FlinkDeployment of deploy/kubernetes as far as it can be checked without a Kubernetes cluster
 * (none is reachable here): the entry class and jar it names are the project's, its job arguments
 * are accepted by the job's own parser, every Flink setting it names is an option Flink defines,
 * and its Flink settings are flink-conf/config.yaml's but for the deployment's own, listed here.
 */
class KubernetesManifestTest {
    private static final Path DIR = Path.of("deploy/kubernetes");

    /** The production file's keys this deployment sets otherwise or leaves to the operator. */
    private static final Map<String, String> NOT_FROM_THE_FILE =
            Map.of(
                    "rest.address", "the operator sets the JobManager's service",
                    "rest.bind-address",
                            "the pod's interfaces: the operator and the service reach it there",
                    "kubernetes.cluster-id", "the operator names the cluster after the resource",
                    "metrics.reporter.prom.port", "one process per pod: one fixed port");

    private static JsonNode manifest() throws IOException {
        return new ObjectMapper(new YAMLFactory())
                .readTree(DIR.resolve("customer-pulse.yaml").toFile());
    }

    @Test
    void shouldBeAFlinkDeploymentOfTheJobsEntryClassAndJar() throws Exception {
        JsonNode m = manifest();
        assertThat(m.get("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(m.get("kind").asText()).isEqualTo("FlinkDeployment");
        JsonNode job = m.get("spec").get("job");
        assertThat(job.get("entryClass").asText()).isEqualTo(CustomerPulseJob.class.getName());
        assertThat(
                        Modifier.isStatic(
                                Class.forName(job.get("entryClass").asText())
                                        .getMethod("main", String[].class)
                                        .getModifiers()))
                .isTrue();
        assertThat(job.get("upgradeMode").asText()).isEqualTo("savepoint");

        // the jar: the image puts the job module's shaded jar where jarURI points
        String jarUri = job.get("jarURI").asText();
        assertThat(jarUri).startsWith("local://");
        String copy =
                Files.readAllLines(DIR.resolve("Dockerfile")).stream()
                        .filter(l -> l.startsWith("COPY "))
                        .findFirst()
                        .orElseThrow();
        String[] from = copy.split(" ");
        assertThat(from[2]).isEqualTo(jarUri.substring("local://".length()));
        Path jar = Path.of(from[1]);
        assertThat(jar.getFileName().toString()).endsWith("-shaded.jar");
        assertThat(jar).as("the job module's shaded jar (mvn package)").isRegularFile();
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getEntry(CustomerPulseJob.class.getName().replace('.', '/') + ".class"))
                    .isNotNull();
        }
    }

    @Test
    void shouldPassArgumentsTheJobAccepts() throws Exception {
        List<String> args = new ArrayList<>();
        manifest().get("spec").get("job").get("args").forEach(a -> args.add(a.asText()));
        assertThat(args).contains("mode=live");
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine line = Cli.of(new CustomerPulseJob.Arguments());
        line.setErr(new java.io.PrintWriter(err, true));
        assertThat(line.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
    }

    @Test
    void shouldNameOnlyFlinkOptionsAndTheProductionFilesValues() throws Exception {
        Map<String, String> deployed = new TreeMap<>();
        manifest()
                .get("spec")
                .get("flinkConfiguration")
                .properties()
                .forEach(e -> deployed.put(e.getKey(), e.getValue().asText()));
        Set<String> known = flinkOptionKeys();
        assertThat(known).contains("execution.checkpointing.interval", "heartbeat.timeout");
        assertThat(known).doesNotContain("execution.checkpointing.intervall"); // it can fail
        for (String key : deployed.keySet()) {
            assertThat(known.contains(key) || key.startsWith("metrics.reporter.prom."))
                    .as("%s is a Flink option", key)
                    .isTrue();
        }
        Configuration file =
                GlobalConfiguration.loadConfiguration(
                        System.getProperty("customerpulse.flink-conf", "flink-conf"));
        Configuration manifest = Configuration.fromMap(deployed);
        for (Map.Entry<String, String> e : file.toMap().entrySet()) {
            if (NOT_FROM_THE_FILE.containsKey(e.getKey())) {
                continue;
            }
            assertThat(manifest.toMap().get(e.getKey()))
                    .as("%s as in flink-conf/config.yaml", e.getKey())
                    .isEqualTo(e.getValue());
        }
        // what the production file leaves to each deployment, set here
        assertThat(deployed)
                .containsKeys(
                        "execution.checkpointing.dir",
                        "execution.checkpointing.savepoint-dir",
                        "high-availability.storageDir");
    }

    /**
     * The keys (and their deprecated and fallback keys) of every ConfigOption in Flink's options
     * classes: every class named {@code *Options} under org.apache.flink in the jars of the
     * connectors' and runtime's option classes.
     */
    private static Set<String> flinkOptionKeys() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Class<?> anchor :
                List.of(
                        org.apache.flink.configuration.CheckpointingOptions.class, // flink-core
                        org.apache.flink.runtime.shuffle.ShuffleServiceOptions.class, // runtime
                        org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.class)) {
            try (JarFile jar = new JarFile(jarOf(anchor).toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith("org/apache/flink/")
                            && name.endsWith("Options.class")
                            && !name.contains("$")) {
                        try {
                            addKeys(
                                    Class.forName(
                                            name.replace('/', '.').replace(".class", ""),
                                            true,
                                            KubernetesManifestTest.class.getClassLoader()),
                                    keys);
                        } catch (LinkageError notHere) {
                            // an options class of a part of Flink not on this classpath
                        }
                    }
                }
            }
        }
        return keys;
    }

    private static void addKeys(Class<?> c, Set<String> keys) throws IllegalAccessException {
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && ConfigOption.class.isAssignableFrom(f.getType())) {
                f.setAccessible(true);
                ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                keys.add(o.key());
                for (FallbackKey k : o.fallbackKeys()) {
                    keys.add(k.getKey());
                }
            }
        }
    }

    private static Path jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
