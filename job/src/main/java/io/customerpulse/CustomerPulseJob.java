package io.customerpulse;

import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.HealthDelta;
import io.customerpulse.avro.SellerHealth;
import io.customerpulse.campaign.AdDeltaCombiner;
import io.customerpulse.campaign.AdEventDedup;
import io.customerpulse.campaign.CampaignMetricsFunction;
import io.customerpulse.config.Cli;
import io.customerpulse.config.ConfigException;
import io.customerpulse.config.ConfigKey;
import io.customerpulse.config.JobConfig;
import io.customerpulse.config.JobParameterOptions;
import io.customerpulse.health.SellerHealthFunction;
import io.customerpulse.ingest.RouteIngested;
import io.customerpulse.kafka.KafkaSinks;
import io.customerpulse.kafka.KafkaSources;
import io.customerpulse.postgres.Migrations;
import io.customerpulse.postgres.PostgresSinks;
import io.customerpulse.profile.CustomerProfileOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The customer-pulse topology, in one method that reads top to bottom. Production, replay and tests
 * call it with their own sources and sinks.
 *
 * <pre>
 *   sources (decode + validate, watermarks)
 *     └► route ─┬─► dead letter
 *               ├─► keyBy(customer) ► customer profiles ─┬─► profiles, segment changes, churn alerts, late events, erasures
 *   CLV models ─(broadcast)──────────────┘                    │
 *               │                                        └─► attributed orders, refunds, new customers ─┐
 *               └─► ad events ► keyBy(campaign, event id) de-dup ► sums per campaign day ───────────────┴► keyBy(campaign) ► campaign days
 * </pre>
 */
public final class CustomerPulseJob {
    private CustomerPulseJob() {}

    /**
     * Production entry point ({@code flink run customer-pulse-job.jar --config job.properties
     * [--set key=value ...]}): parses the job parameters, migrates the PostgreSQL schema, and
     * submits the job reading Kafka and writing Kafka and PostgreSQL.
     */
    public static void main(String[] args) throws Exception {
        Arguments arguments = new Arguments();
        CommandLine line = Cli.of(arguments);
        int code = line.execute(args); // parses and validates; runs nothing
        if (code != 0 || line.isUsageHelpRequested() || line.isVersionHelpRequested()) {
            System.exit(code);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String problem = checkpointStorageProblem(env.getConfiguration());
        if (problem != null) {
            System.err.println("customer-pulse-job: " + problem);
            System.exit(2);
        }
        if (!arguments.config.kafka().saslMechanism().isEmpty()
                && System.getenv(io.customerpulse.kafka.KafkaSettings.JAAS_ENV) == null) {
            System.err.println(
                    "customer-pulse-job: warning: kafka.sasl-mechanism is set and "
                            + io.customerpulse.kafka.KafkaSettings.JAAS_ENV
                            + " is not set here; the JobManager and every TaskManager need it");
        }
        buildLive(env, arguments.config);
        env.execute("customer-pulse");
    }

    /**
     * Why a job must not be submitted with this Flink configuration, or null: its checkpoints need
     * storage that is configured, not a default (flink-conf sets none on purpose). Checked on the
     * configuration the job is submitted with.
     */
    static String checkpointStorageProblem(ReadableConfig flink) {
        if (flink.get(CheckpointingOptions.ENABLE_UNALIGNED)) {
            // an erasure deletes rows after the checkpoint covering it: only an aligned barrier
            // guarantees every earlier row of the customer was written before it
            return CheckpointingOptions.ENABLE_UNALIGNED.key()
                    + " is true: the job needs aligned checkpoints (erasures delete rows after the"
                    + " checkpoint that covers them); remove the setting";
        }
        String dir = flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        if (dir == null || dir.isBlank()) {
            return CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()
                    + " is not set: point it at durable shared storage (s3://, hdfs://, a shared"
                    + " file system) in the configuration the job is submitted with";
        }
        return null;
    }

    /** The job's arguments: properties files, then single parameters, later ones winning. */
    @Command(
            name = "customer-pulse-job",
            mixinStandardHelpOptions = true,
            description =
                    "The customer-pulse job on Kafka and PostgreSQL (flink run ... JAR ARGS).")
    public static final class Arguments implements Callable<Integer> {
        @Mixin JobParameterOptions parameters = new JobParameterOptions();

        JobConfig config;

        @Override
        public Integer call() throws Exception {
            config = JobConfig.parse(parameters.settings());
            return 0;
        }
    }

    /** The job on Kafka and PostgreSQL (migrated first when configured). */
    public static void buildLive(StreamExecutionEnvironment env, JobConfig config) {
        List<PulseSinks> sinks = new ArrayList<>();
        sinks.add(new KafkaSinks(config.kafka()));
        if (config.postgres().enabled()) {
            if (config.postgres().migrateOnStart()) {
                Migrations.migrate(config.postgres());
            }
            sinks.add(new PostgresSinks(config.postgres()));
        }
        buildTopology(env, config, new KafkaSources(config), PulseSinks.all(sinks));
    }

    /** Adds the job to {@code env}. */
    public static void buildTopology(
            StreamExecutionEnvironment env,
            JobConfig config,
            PulseSources sources,
            PulseSinks sinks) {
        // the job owns its key groups (job.max-parallelism): they must never change under a
        // savepoint, so a Flink configuration that sets them otherwise is refused, not overridden
        int fromFlink = env.getMaxParallelism(); // -1 unless pipeline.max-parallelism is set
        if (fromFlink > 0 && fromFlink != config.maxParallelism()) {
            throw new ConfigException(
                    ConfigKey.MAX_PARALLELISM.key(),
                    "is "
                            + config.maxParallelism()
                            + " but the Flink configuration sets pipeline.max-parallelism: "
                            + fromFlink
                            + " (the job owns its key groups: remove that setting or make the two"
                            + " equal)");
        }
        env.setMaxParallelism(config.maxParallelism());
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
        Configuration pipeline = new Configuration();
        pipeline.set(PipelineOptions.GENERIC_TYPES, false); // no silent Kryo fallback
        pipeline.set(PipelineOptions.AUTO_GENERATE_UIDS, false); // a missing uid fails fast
        env.configure(pipeline);

        // each input routed in its source's task (chained: no network hop), then joined
        List<SingleOutputStreamOperator<CustomerEvent>> routed = new ArrayList<>();
        sources.events(env, EventWatermarks.of(config))
                .forEach(
                        (input, ingested) ->
                                routed.add(
                                        ingested.process(new RouteIngested(config.horizonMillis()))
                                                .uid(Uids.route(input))
                                                .name("route valid / dead-letter")));
        DataStream<CustomerEvent> events = union(routed, s -> s);

        DataStream<ClvModel> clvModels = sources.clvModels(env).broadcast();
        SingleOutputStreamOperator<CustomerProfile> profiles =
                events.keyBy(CustomerEvent::getCustomerId)
                        .connect(clvModels)
                        .transform(
                                "customer profiles",
                                new AvroTypeInfo<>(CustomerProfile.class),
                                CustomerProfileOperator.of(config))
                        .uid(Uids.PROFILES);

        DataStream<CampaignDelta> adDeltas =
                union(routed, s -> s.getSideOutput(Outputs.AD_EVENTS))
                        .keyBy(AdEventDedup::key)
                        .process(new AdEventDedup(config.dedup().retention()))
                        .uid(Uids.AD_DEDUP)
                        .name("ad event de-duplication")
                        .transform(
                                "ad events summed per campaign day",
                                new AvroTypeInfo<>(CampaignDelta.class),
                                new AdDeltaCombiner(config.campaigns().updateInterval().toMillis()))
                        .uid(Uids.AD_DELTAS);

        SingleOutputStreamOperator<CampaignDaily> campaigns =
                adDeltas.union(profiles.getSideOutput(Outputs.CAMPAIGN_DELTAS))
                        .keyBy(CampaignDelta::getCampaignId)
                        .process(CampaignMetricsFunction.of(config))
                        .uid(Uids.CAMPAIGNS)
                        .name("campaign metrics");

        SingleOutputStreamOperator<SellerHealth> health =
                profiles.getSideOutput(Outputs.HEALTH_DELTAS)
                        .keyBy(HealthDelta::getMarketplace)
                        .process(SellerHealthFunction.of(config))
                        .uid(Uids.SELLER_HEALTH)
                        .name("seller health");

        sinks.attach(
                new PulseSinks.Streams(
                        profiles,
                        profiles.getSideOutput(Outputs.SEGMENT_CHANGES),
                        profiles.getSideOutput(Outputs.CHURN_ALERTS),
                        profiles.getSideOutput(Outputs.CUSTOMER_ACTIONS),
                        campaigns,
                        health,
                        health.getSideOutput(Outputs.HEALTH_ALERTS),
                        profiles.getSideOutput(Outputs.LATE_EVENTS),
                        union(routed, s -> s.getSideOutput(Outputs.REJECTED)),
                        profiles.getSideOutput(Outputs.ERASURES)));
    }

    private static <T> DataStream<T> union(
            List<SingleOutputStreamOperator<CustomerEvent>> routed,
            Function<SingleOutputStreamOperator<CustomerEvent>, DataStream<T>> output) {
        DataStream<T> first = output.apply(routed.get(0));
        for (int i = 1; i < routed.size(); i++) {
            first = first.union(output.apply(routed.get(i)));
        }
        return first;
    }
}
