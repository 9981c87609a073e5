package io.customerpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CurrencyConverterTest {
    private final CurrencyConverter usd =
            new CurrencyConverter(
                    "USD",
                    Map.of(
                            "USD", BigDecimal.ONE,
                            "EUR", new BigDecimal("1.08"),
                            "JPY", new BigDecimal("0.0067"),
                            "KWD", new BigDecimal("3.25"),
                            "GBP", new BigDecimal("1.27")));

    @Test
    void shouldLeaveAmountsInTheReportingCurrencyUntouched() {
        assertThat(usd.toReporting(12_999, "USD")).isEqualTo(12_999);
    }

    @Test
    void shouldHonourTheIsoExponentOfEachCurrency() {
        assertThat(usd.toReporting(1_000, "JPY")).isEqualTo(670); // 1000 yen -> $6.70
        assertThat(usd.toReporting(1_000, "KWD")).isEqualTo(325); // 1.000 KWD -> $3.25
        assertThat(usd.toReporting(10_000, "EUR")).isEqualTo(10_800);
    }

    @Test
    void shouldRoundHalfEven() {
        // 0.25 EUR * 1.08 = 0.27 exactly; 50 yen * 0.0067 = 0.335 -> 34 (half-even rounds 33.5 up
        // to 34)
        assertThat(usd.toReporting(50, "JPY")).isEqualTo(34);
        // 150 yen -> 1.005 -> 100.5 cents -> 100 (even)
        assertThat(usd.toReporting(150, "JPY")).isEqualTo(100);
    }

    @Test
    void shouldConvertTheLargestRealOnlineRetailInvoice() {
        assertThat(usd.toReporting(16_846_960, "GBP")).isEqualTo(21_395_639);
    }

    @Test
    void shouldRefuseACurrencyWithoutARate() {
        assertThat(usd.knows("CHF")).isFalse();
        assertThatThrownBy(() -> usd.toReporting(1, "CHF")).hasMessageContaining("CHF");
    }
}
