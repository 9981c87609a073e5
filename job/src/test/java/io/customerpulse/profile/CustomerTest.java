package io.customerpulse.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomerTest {
    /**
     * Expiry and erasure forget a customer field by field: every field is back to a new customer's,
     * but the events still waiting and the registered timer (a field added to Customer and not to
     * clearHistory fails here).
     */
    @Test
    void shouldForgetEveryFieldButTheWaitingEventsAndTheTimer() {
        Customer c =
                CustomerSerializerTest.withHealth(
                        CustomerSerializerTest.withActions(CustomerSerializerTest.rich()));
        List<CustomerEvent> waiting = List.copyOf(c.pending());
        assertThat(waiting).isNotEmpty();
        long timer = c.wakeUpAt;

        c.clearHistory();

        Customer expected = new Customer();
        waiting.forEach(expected::addPending);
        expected.wakeUpAt = timer;
        assertThat(c.copy()).usingRecursiveComparison().isEqualTo(expected.copy());
        assertThat(c.isEmpty()).isFalse(); // something waits: the record is kept
    }
}
