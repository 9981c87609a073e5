package io.customerpulse.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.state.CampaignDay;
import io.customerpulse.config.JobConfig;
import org.junit.jupiter.api.Test;

class CampaignMathTest {
    private final CampaignMath math = new CampaignMath("USD", JobConfig.defaults().campaigns());

    private static CampaignDay day(
            long impressions, long clicks, long spend, long sales, long newCustomers) {
        return CampaignDay.newBuilder()
                .setDay(20_000)
                .setImpressions(impressions)
                .setClicks(clicks)
                .setSpendMinor(spend)
                .setAttributedOrders(sales > 0 ? 1 : 0)
                .setAttributedSalesMinor(sales)
                .setNewCustomers(newCustomers)
                .build();
    }

    @Test
    void shouldComputeTheRatiosOfKnownNumbers() {
        // 10,000 impressions, 40 clicks, $35.60 spend, $178.00 sales, 2 new customers
        CampaignDaily row = math.row("SP-1", day(10_000, 40, 3_560, 17_800, 2), false, 0);
        assertThat(row.getCtr()).isEqualTo(0.004);
        assertThat(row.getCpc()).isEqualTo(0.89);
        assertThat(row.getCpm()).isCloseTo(3.56, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(row.getAcos()).isEqualTo(0.2);
        assertThat(row.getRoas()).isEqualTo(5.0);
        assertThat(row.getCac()).isEqualTo(17.8);
        assertThat(row.getAcosOk()).isTrue(); // 20 % <= 25 %
        assertThat(row.getCtrOk()).isFalse(); // 0.4 % is not above 0.4 %
        assertThat(row.getCpmOk()).isFalse(); // $3.56 is above $3.2
    }

    @Test
    void shouldLeaveRatiosWithAZeroDenominatorEmpty() {
        CampaignDaily row = math.row("SP-1", day(0, 0, 500, 0, 0), true, 0);
        assertThat(row.getCtr()).isNull();
        assertThat(row.getCpc()).isNull();
        assertThat(row.getCpm()).isNull();
        assertThat(row.getAcos()).isNull();
        assertThat(row.getRoas()).isEqualTo(0.0); // spend but no sales: ROAS 0, ACoS empty
        assertThat(row.getCac()).isNull();
        assertThat(row.getAcosOk()).isNull();
        assertThat(row.getFinal$()).isTrue();
        CampaignDaily free = math.row("SP-1", day(100, 1, 0, 900, 0), false, 0);
        assertThat(free.getRoas()).isNull(); // no spend
        assertThat(free.getAcos()).isEqualTo(0.0);
    }
}
