package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.Segment;
import io.customerpulse.config.JobConfig;
import io.customerpulse.testing.Events;
import org.junit.jupiter.api.Test;

/** When a customer's next step is due: the one place that decides it. */
class ScheduleTest {
    private static final long T = T0.toEpochMilli();
    private static final long D = DAY.toMillis();

    private final JobConfig config = JobConfig.defaults();
    private final ProfileEngine engine = ProfileEngine.of(config);
    private final Schedule schedule = Schedule.of(config);

    /**
     * The customer after {@code events}, each a step of its own, with its repurchase reminder
     * decided: the tests below are about the other limits ({@link #actions} about the actions').
     */
    private Customer after(CustomerEvent... events) {
        Customer c = withReminder(events);
        c.reminderFor = c.lastOrderAt;
        return c;
    }

    private Customer withReminder(CustomerEvent... events) {
        Customer c = new Customer();
        for (CustomerEvent e : events) {
            CollectedOutput.stepAlone(engine, c, e);
        }
        return c;
    }

    /**
     * The lifecycle actions' limits: the repurchase reminder (27 d after a first order, 30 d less
     * 3), a review request 5 d after delivery, each before the churn deadline.
     */
    @Test
    void actions() {
        Customer c = withReminder(order("c1", 1_000, T0));
        assertThat(schedule.nextLimitAt(c)).isEqualTo(T + 27 * D);
        c.reminderFor = c.lastOrderAt; // decided: the churn deadline is next
        assertThat(schedule.nextLimitAt(c)).isEqualTo(T + 60 * D);

        Customer delivered =
                after(order("c1", "A1", 1_000, T0), Events.delivered("c1", "A1", T0.plus(DAY)));
        assertThat(schedule.nextLimitAt(delivered)).isEqualTo(T + 6 * D);
    }

    @Test
    void shouldWakeAtTheChurnDeadlineWhileTheOrderIsStillInsideItsWindow() {
        Customer c = after(order("c1", 1_000, T0));
        assertThat(schedule.nextLimitAt(c)).isEqualTo(T + 60 * D);
        assertThat(schedule.nextStepAt(c)).isEqualTo(T + 60 * D);
    }

    @Test
    void shouldWakeWhenTheOldestOrderLeavesTheWindowOnceTheCustomerIsChurnRisk() {
        Customer c = after(order("c1", 1_000, T0), order("c1", 1_000, T0.plus(DAY)));
        c.segment = Segment.CHURN_RISK; // no churn deadline any more
        assertThat(schedule.nextLimitAt(c)).isEqualTo(T + 90 * D);
    }

    @Test
    void shouldWakeForTheFirstWaitingEventWhenItComesBeforeAnyLimit() {
        Customer c = after(order("c1", 1_000, T0));
        c.addPending(click("c1", T0.plus(DAY.multipliedBy(3))));
        c.addPending(click("c1", T0.plus(DAY.multipliedBy(2))));
        assertThat(schedule.nextStepAt(c)).isEqualTo(T + 2 * D);
    }

    @Test
    void shouldNeedNoStepToForgetClicksOrCreditedOrders() {
        Customer c = after(click("c1", T0), order("c1", 1_000, T0.plusSeconds(1)));
        assertThat(c.ads().credited()).hasSize(1);
        // clicks end at +7 d and the credited order at +90 d: neither is a step of its own
        assertThat(schedule.nextStepAt(c)).isEqualTo(T + 1_000 + 60 * D);
    }

    @Test
    void shouldRescoreDailyAtTheCustomersOwnTimeOfDayWhileAModelIsServed() {
        Customer c = after(order("c1", 1_000, T0));
        long first = schedule.nextRescoreAt("c1", c, true, schedule.nextStepAt(c));
        assertThat(first).isGreaterThan(T).isLessThanOrEqualTo(T + D);
        c.now = first;
        assertThat(schedule.nextRescoreAt("c1", c, true, schedule.nextStepAt(c)))
                .isEqualTo(first + D);
        Customer other = after(order("c2", 1_000, T0));
        assertThat(schedule.nextRescoreAt("c2", other, true, schedule.nextStepAt(other)) % D)
                .isNotEqualTo(first % D);
    }

    @Test
    void shouldWakeABuyerWithNothingDueWeeklyWithoutAModelAndNoOneElse() {
        Customer active = after(order("c1", 1_000, T0));
        assertThat(schedule.nextRescoreAt("c1", active, false, schedule.nextStepAt(active)))
                .isEqualTo(Long.MAX_VALUE);

        Customer dormant = after(order("c1", 1_000, T0));
        dormant.segment = Segment.CHURN_RISK;
        dormant.removeFirstOrderTimes(1);
        // nothing due but the expiry, 730 days after the order
        assertThat(schedule.nextStepAt(dormant)).isEqualTo(T + 730 * D);
        assertThat(schedule.expiresAt(dormant)).isEqualTo(T + 730 * D);
        long check = schedule.nextRescoreAt("c1", dormant, false, schedule.nextStepAt(dormant));
        assertThat(check).isGreaterThan(T).isLessThanOrEqualTo(T + 7 * D);
        assertThat(schedule.nextDueAt("c1", dormant, false)).isEqualTo(check);

        // a history that an event more than 730 days late started expires at its next step
        Customer revived = after(click("c2", T0));
        revived.now = T + 800 * D;
        assertThat(schedule.nextLimitAt(revived)).isEqualTo(revived.now + 1);

        Customer prospect = after(click("c3", T0)); // no order: nothing to predict
        assertThat(schedule.nextRescoreAt("c3", prospect, true, Long.MAX_VALUE))
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldHaveNothingDueForACustomerWithoutEvents() {
        assertThat(schedule.nextDueAt("c1", new Customer(), true)).isEqualTo(Long.MAX_VALUE);
    }
}
