package io.customerpulse.tools.clv;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.clv.BgNbd;
import io.customerpulse.clv.GammaGamma;
import io.customerpulse.clv.ModelFit;
import io.customerpulse.clv.RfmStats;
import io.customerpulse.config.Cli;
import io.customerpulse.config.JobConfig;
import io.customerpulse.config.JobParameterOptions;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.postgres.Migrations;
import io.customerpulse.postgres.PostgresSettings;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/fit-clv}: fits BG/NBD and Gamma-Gamma by maximum likelihood over every customer's
 * summary, read from the customer_profile table or from a replay's profiles.jsonl, prints the
 * parameters and the fit quality, and with {@code --publish} writes the model to the clv-models
 * topic (the running job serves it without a restart) and the clv_model table.
 */
@Command(
        name = "fit-clv",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Fits BG/NBD and Gamma-Gamma over every customer's summary and prints the parameters;"
                    + " --publish serves the model to the running job (topic clv-models) and"
                    + " records it (table clv_model)."
        })
public final class FitCommand implements Callable<Integer> {

    /** Fewest customers with an order, and with a repeat purchase, a model is fitted on. */
    public static final int MIN_CUSTOMERS = 500;

    public static final int MIN_REPEAT_CUSTOMERS = 100;

    /**
     * What a profile tells the fit about one customer (a customer without an order tells nothing).
     */
    public record Customer(long firstOrderAt, long lastOrderAt, int x, long repeatValueMinor) {
        public RfmStats stats(LocalDate asOf, long minorPerUnit) {
            return RfmStats.of(
                    firstOrderAt,
                    lastOrderAt,
                    asOf.toEpochDay(),
                    x,
                    repeatValueMinor / (double) minorPerUnit);
        }
    }

    @Option(
            names = "--from",
            required = true,
            paramLabel = "postgres|PROFILES.jsonl",
            description = "the customer_profile table, or a replay's profiles.jsonl")
    String from;

    @Option(
            names = "--as-of",
            paramLabel = "YYYY-MM-DD",
            description = "measure T to this day (default: today, or a file's latest day)")
    LocalDate asOf;

    @Option(names = "--publish", description = "serve the model and record it")
    boolean publish;

    @Option(
            names = "--min-customers",
            defaultValue = "" + MIN_CUSTOMERS,
            description = "fewest customers with an order to publish (default: ${DEFAULT-VALUE})")
    int minCustomers;

    @Option(
            names = "--min-repeat-customers",
            defaultValue = "" + MIN_REPEAT_CUSTOMERS,
            description = "fewest with a repeat purchase to publish (default: ${DEFAULT-VALUE})")
    int minRepeat;

    @Mixin JobParameterOptions parameters = new JobParameterOptions();

    public static void main(String[] args) {
        Cli.exit(new FitCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (!from.equals("postgres") && !Files.isRegularFile(Path.of(from))) {
            throw new Cli.UsageError("--from: no such file: " + from + " (or give 'postgres')");
        }
        JobConfig config = JobConfig.parse(parameters.settings());
        Map<String, Customer> customers =
                from.equals("postgres")
                        ? fromPostgres(config.postgres())
                        : fromReplay(Path.of(from));
        if (asOf == null) {
            asOf =
                    from.equals("postgres")
                            ? LocalDate.now(ZoneOffset.UTC)
                            : latestDay(Path.of(from));
        }
        ClvModel model =
                fit(
                        customers.values(),
                        asOf,
                        config.reportingCurrency(),
                        config.clv().minorPerUnit(),
                        Instant.now().truncatedTo(ChronoUnit.MILLIS));
        System.out.print(describe(model));
        if (model.getCustomers() < minCustomers || model.getRepeatCustomers() < minRepeat) {
            System.out.printf(
                    "not enough data to serve: %d customers with an order (need %d), %d with a repeat"
                            + " purchase (need %d); not published%n",
                    model.getCustomers(), minCustomers, model.getRepeatCustomers(), minRepeat);
            return 2;
        }
        if (publish) {
            publish(model, config);
            System.out.printf(
                    "published %s to topic %s and table clv_model%n",
                    model.getModelId(), config.kafka().topic(KafkaSettings.CLV_MODELS));
        }
        return 0;
    }

    /** Both models fitted over {@code customers}, T measured to {@code asOf}. */
    public static ClvModel fit(
            Iterable<Customer> customers,
            LocalDate asOf,
            String currency,
            long minorPerUnit,
            Instant fittedAt) {
        List<RfmStats> stats = new ArrayList<>();
        customers.forEach(c -> stats.add(c.stats(asOf, minorPerUnit)));
        ModelFit<BgNbd> purchases = ModelFit.bgNbd(stats);
        ModelFit<GammaGamma> value = ModelFit.gammaGamma(stats);
        return ClvModel.newBuilder()
                .setModelId(
                        "clv-"
                                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
                                        .withZone(ZoneOffset.UTC)
                                        .format(fittedAt))
                .setFittedAt(fittedAt)
                .setAsOf(asOf)
                .setCurrency(currency)
                .setCustomers(purchases.customers())
                .setRepeatCustomers(value.customers())
                .setR(purchases.model().r())
                .setAlpha(purchases.model().alpha())
                .setA(purchases.model().a())
                .setB(purchases.model().b())
                .setBgnbdLogLikelihood(purchases.logLikelihood())
                .setP(value.model().p())
                .setQ(value.model().q())
                .setGamma(value.model().gamma())
                .setGammaGammaLogLikelihood(value.logLikelihood())
                .build();
    }

    public static String describe(ClvModel m) {
        return String.format(
                "CLV model %s, T as of %s, %s%n"
                        + "  BG/NBD       r %.4f  alpha %.4f  a %.4f  b %.4f"
                        + "  log-likelihood %.2f  (%,d customers with an order)%n"
                        + "  Gamma-Gamma  p %.4f  q %.4f  gamma %.4f"
                        + "  log-likelihood %.2f  (%,d customers with a repeat purchase)%n",
                m.getModelId(),
                m.getAsOf(),
                m.getCurrency(),
                m.getR(),
                m.getAlpha(),
                m.getA(),
                m.getB(),
                m.getBgnbdLogLikelihood(),
                m.getCustomers(),
                m.getP(),
                m.getQ(),
                m.getGamma(),
                m.getGammaGammaLogLikelihood(),
                m.getRepeatCustomers());
    }

    /** The latest profile (highest version) of each customer with an order in a replay's output. */
    public static Map<String, Customer> fromReplay(Path profiles) throws Exception {
        Path file = Files.isDirectory(profiles) ? profiles.resolve("profiles.jsonl") : profiles;
        Map<String, JsonNode> latest = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode p = AvroJson.MAPPER.readTree(line);
                latest.merge(
                        p.get("customer_id").asText(),
                        p,
                        (a, b) -> a.get("version").asLong() >= b.get("version").asLong() ? a : b);
            }
        }
        Map<String, Customer> customers = new HashMap<>();
        latest.forEach(
                (id, p) -> {
                    if (!p.path("first_order_at").isNull()) {
                        customers.put(
                                id,
                                new Customer(
                                        Instant.parse(p.get("first_order_at").asText())
                                                .toEpochMilli(),
                                        Instant.parse(p.get("last_order_at").asText())
                                                .toEpochMilli(),
                                        p.get("repeat_purchases").asInt(),
                                        p.get("repeat_value_minor").asLong()));
                    }
                });
        return customers;
    }

    /** The day of the latest profile in a replay's output: the replay's as-of, usually. */
    static LocalDate latestDay(Path profiles) throws Exception {
        Path file = Files.isDirectory(profiles) ? profiles.resolve("profiles.jsonl") : profiles;
        Instant latest = Instant.EPOCH;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Instant t =
                        Instant.parse(AvroJson.MAPPER.readTree(line).get("updated_at").asText());
                latest = t.isAfter(latest) ? t : latest;
            }
        }
        return LocalDate.ofInstant(latest, ZoneOffset.UTC);
    }

    /** Every customer with an order in the customer_profile table. */
    public static Map<String, Customer> fromPostgres(PostgresSettings pg) throws Exception {
        Map<String, Customer> customers = new HashMap<>();
        try (Connection c = connect(pg);
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT customer_id, first_order_at, last_order_at, repeat_purchases,"
                                        + " repeat_value_minor FROM customer_profile"
                                        + " WHERE first_order_at IS NOT NULL")) {
            ps.setFetchSize(10_000);
            c.setAutoCommit(false); // a cursor, not the whole table in memory at once
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    customers.put(
                            rs.getString(1),
                            new Customer(
                                    rs.getTimestamp(2).getTime(),
                                    rs.getTimestamp(3).getTime(),
                                    rs.getInt(4),
                                    rs.getLong(5)));
                }
            }
        }
        return customers;
    }

    /** Writes the model to the clv_model table and then the clv-models topic the job reads. */
    public static void publish(ClvModel m, JobConfig config) throws Exception {
        if (config.postgres().enabled()) {
            Migrations.migrate(config.postgres());
            try (Connection c = connect(config.postgres());
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "INSERT INTO clv_model (model_id, fitted_at, as_of, currency,"
                                            + " customers, repeat_customers, r, alpha, a, b,"
                                            + " bgnbd_log_likelihood, p, q, gamma,"
                                            + " gamma_gamma_log_likelihood)"
                                            + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, m.getModelId());
                ps.setTimestamp(2, Timestamp.from(m.getFittedAt()));
                ps.setObject(3, m.getAsOf());
                ps.setString(4, m.getCurrency());
                ps.setInt(5, m.getCustomers());
                ps.setInt(6, m.getRepeatCustomers());
                double[] params = {
                    m.getR(),
                    m.getAlpha(),
                    m.getA(),
                    m.getB(),
                    m.getBgnbdLogLikelihood(),
                    m.getP(),
                    m.getQ(),
                    m.getGamma(),
                    m.getGammaGammaLogLikelihood()
                };
                for (int i = 0; i < params.length; i++) {
                    ps.setDouble(7 + i, params[i]);
                }
                ps.executeUpdate();
            }
        }
        KafkaSettings kafka = config.kafka();
        Topics.createMissing(kafka, List.of(Topics.clvModelsAsTheBrokersDefault(kafka)));
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    kafka.topic(KafkaSettings.CLV_MODELS),
                                    m.getModelId(),
                                    AvroBytes.encode(m)))
                    .get();
        }
    }

    private static Connection connect(PostgresSettings pg) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", pg.user());
        String password = PostgresSettings.password();
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(pg.url(), props);
    }
}
