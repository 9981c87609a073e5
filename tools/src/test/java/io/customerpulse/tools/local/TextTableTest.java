package io.customerpulse.tools.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void shouldAlignEachColumnToItsWidestValueAndShowAmountsInCurrencyUnits() {
        String table =
                new TextTable("USD", 2)
                        .column("campaign_id", false)
                        .column("clicks", true)
                        .column("spend_minor", true)
                        .column("acos", true)
                        .row(List.of("SP-brand", "7", "12999", "0.2512"))
                        .row(Arrays.asList("SD-retarget", "1234", "5", null))
                        .render();
        assertThat(table)
                .isEqualTo(
                        """
                          campaign_id  clicks  spend USD    acos
                          SP-brand          7     129.99  0.2512
                          SD-retarget    1234       0.05       -
                        """);
    }

    @Test
    void shouldUseTheCurrencysOwnMinorDigits() {
        String table =
                new TextTable("JPY", 0).column("gmv_minor", true).row(List.of("1500")).render();
        assertThat(table).isEqualTo("  gmv JPY\n     1500\n");
    }
}
