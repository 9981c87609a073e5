package io.customerpulse.tools.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerProfile;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which profile of a customer is their last: what the bootstrap publishes for them. */
class ProfilesFileTest {
    private static final Instant T = Instant.parse("2024-05-15T00:00:00Z");

    @Test
    void shouldKeepTheLaterUpdateThenTheHigherVersion() {
        CustomerProfile old = profile(T, 7, null);
        CustomerProfile newHistory = profile(T.plusSeconds(1), 1, null);
        assertThat(ProfilesFile.later(old, newHistory)).isSameAs(newHistory);
        assertThat(ProfilesFile.later(newHistory, old)).isSameAs(newHistory);
        CustomerProfile next = profile(T, 8, null);
        assertThat(ProfilesFile.later(old, next)).isSameAs(next);
        assertThat(ProfilesFile.later(next, old)).isSameAs(next);
    }

    @Test
    void shouldPutAnErasureAfterEveryProfileOfItsMillisecond() {
        CustomerProfile last = profile(T, 5, null);
        CustomerProfile erasure = profile(T, 0, T);
        assertThat(ProfilesFile.later(last, erasure)).isSameAs(erasure);
        assertThat(ProfilesFile.later(erasure, last)).isSameAs(erasure);
        CustomerProfile after = profile(T.plusMillis(1), 1, null);
        assertThat(ProfilesFile.later(erasure, after)).isSameAs(after);
    }

    private static CustomerProfile profile(Instant updatedAt, long version, Instant erasedAt) {
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId("c1");
        p.setUpdatedAt(updatedAt);
        p.setVersion(version);
        p.setErasedAt(erasedAt);
        return p;
    }
}
