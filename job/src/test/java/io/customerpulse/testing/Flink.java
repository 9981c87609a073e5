package io.customerpulse.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster of the ITCases: one TaskManager with two slots (parallelism 1 and 2). */
public final class Flink {
    private Flink() {}

    public static MiniClusterExtension miniCluster() {
        return miniCluster(2);
    }

    /** One TaskManager with {@code slots} slots (a job of parallelism up to that). */
    public static MiniClusterExtension miniCluster(int slots) {
        return miniCluster(slots, new org.apache.flink.configuration.Configuration());
    }

    /** The same with {@code cluster} settings (a metric reporter, say). */
    public static MiniClusterExtension miniCluster(
            int slots, org.apache.flink.configuration.Configuration cluster) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .setConfiguration(cluster)
                        .build());
    }
}
