package io.customerpulse.tools.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.json.AvroJson;
import io.customerpulse.testkit.TableRows;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's and the end-to-end tests' row comparison: every column counts. */
class TableRowsTest {
    private static final List<String> COLUMNS =
            List.of("customer_id", "gmv_minor", "refunds_minor", "return_rate", "updated_at");

    private static String row(String json) throws Exception {
        return TableRows.of(AvroJson.MAPPER.readTree(json), COLUMNS);
    }

    @Test
    void shouldSeeADifferenceInAnyColumn() throws Exception {
        String base =
                "{\"customer_id\":\"c1\",\"gmv_minor\":100,\"refunds_minor\":0,"
                        + "\"return_rate\":0.0,\"updated_at\":\"2024-03-09T00:00:00Z\"}";
        // the soak compared version, GMV and segment only: a wrong refund passed
        assertThat(row(base))
                .isNotEqualTo(row(base.replace("\"refunds_minor\":0", "\"refunds_minor\":5")));
        assertThat(row(base)).isNotEqualTo(row(base.replace("0.0", "0.5")));
        assertThat(row(base)).isNotEqualTo(row(base.replace("\"refunds_minor\":0,", "")));
    }

    @Test
    void shouldReadAnInstantTheSameWhicheverWayItIsWritten() throws Exception {
        String json = "{\"customer_id\":\"c1\",\"updated_at\":\"2024-03-09T00:00:00%sZ\"}";
        assertThat(row(String.format(json, ""))).isEqualTo(row(String.format(json, ".000")));
        assertThat(row(String.format(json, ""))).isNotEqualTo(row(String.format(json, ".001")));
    }
}
