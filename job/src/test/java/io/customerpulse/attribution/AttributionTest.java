package io.customerpulse.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.attribution.AttributionSettings.Model;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributionTest {
    private static final long DAY = 86_400_000L;
    private static final long WEEK = 7 * DAY;
    private static final long T = 1_000 * DAY;

    private record Click(String id, long at, String campaign) {}

    private static Click click(String id, long at, String campaign) {
        return new Click(id, at, campaign);
    }

    /** The clicks as a customer's state keeps them, added in the given (any) order. */
    private static Clicks kept(List<Click> clicks) {
        Clicks kept = new Clicks();
        for (Click c : clicks) {
            kept.add(c.id(), c.at(), c.campaign(), 89L, 50);
        }
        return kept;
    }

    @Test
    void shouldCreditAnOrderUpToSevenDaysMinusOneMillisecondAfterTheClick() {
        Clicks clicks = kept(List.of(click("a", T, "SP-1")));
        assertThat(Attribution.credit(Model.LAST_CLICK, clicks, T, WEEK, 100)).hasSize(1);
        assertThat(Attribution.credit(Model.LAST_CLICK, clicks, T + WEEK - 1, WEEK, 100))
                .hasSize(1);
        assertThat(Attribution.credit(Model.LAST_CLICK, clicks, T + WEEK, WEEK, 100)).isEmpty();
        assertThat(Attribution.credit(Model.LAST_CLICK, clicks, T - 1, WEEK, 100)).isEmpty();
    }

    @Test
    void shouldCreditTheLaterClickUnderLastClickAndTheEarlierUnderFirstClick() {
        Clicks clicks = kept(List.of(click("b", T + DAY, "SP-2"), click("a", T, "SP-1")));
        assertThat(Attribution.credit(Model.LAST_CLICK, clicks, T + 2 * DAY, WEEK, 500))
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.campaignId()).isEqualTo("SP-2");
                            assertThat(s.amountMinor()).isEqualTo(500);
                        });
        assertThat(Attribution.credit(Model.FIRST_CLICK, clicks, T + 2 * DAY, WEEK, 500))
                .singleElement()
                .satisfies(s -> assertThat(s.campaignId()).isEqualTo("SP-1"));
    }

    @Test
    void shouldBreakEqualClickTimesByEventId() {
        Clicks clicks = kept(List.of(click("x2", T, "SP-2"), click("x1", T, "SP-1")));
        assertThat(Attribution.credit(Model.LAST_CLICK, clicks, T, WEEK, 1).get(0).eventId())
                .isEqualTo("x2");
        assertThat(Attribution.credit(Model.FIRST_CLICK, clicks, T, WEEK, 1).get(0).eventId())
                .isEqualTo("x1");
    }

    @Test
    void shouldSplitLinearlyToTheMinorUnitWithTheRemainderToTheLatestClicks() {
        Clicks clicks =
                kept(
                        List.of(
                                click("a", T, "SP-1"),
                                click("b", T + 1, "SP-2"),
                                click("c", T + 2, "SP-3")));
        List<Attribution.Share> shares =
                Attribution.credit(Model.LINEAR, clicks, T + 3, WEEK, 1_001);
        assertThat(shares)
                .extracting(Attribution.Share::amountMinor)
                .containsExactly(333L, 334L, 334L);
        assertThat(shares.stream().mapToLong(Attribution.Share::amountMinor).sum())
                .isEqualTo(1_001);
        for (long amount : new long[] {0, 1, 2, 99_999, 12_345_677}) {
            for (int n = 1; n <= 7; n++) {
                long[] parts = Attribution.split(amount, n);
                assertThat(Arrays.stream(parts).sum()).isEqualTo(amount);
                assertThat(parts[n - 1] - parts[0]).isBetween(0L, 1L);
            }
        }
    }

    @Test
    void shouldSplitARefundInProportionAndAddUp() {
        long[] parts = Attribution.proportional(1_000, new long[] {333, 334, 334});
        assertThat(Arrays.stream(parts).sum()).isEqualTo(1_000);
        assertThat(parts).containsExactly(332L, 334L, 334L);
        assertThat(Attribution.proportional(7, new long[] {5})).containsExactly(7L);
    }
}
