package io.customerpulse.tools.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class CdnowImporterTest {
    @Test
    void shouldReadBothLayouts() {
        assertThat(CdnowImporter.parse(" 00004 0001 19970101  2   29.33"))
                .isEqualTo(new CdnowImporter.Transaction("1", LocalDate.of(1997, 1, 1), 2, 2_933));
        assertThat(CdnowImporter.parse("00001 19970101 1 11.77"))
                .isEqualTo(new CdnowImporter.Transaction("1", LocalDate.of(1997, 1, 1), 1, 1_177));
        assertThat(CdnowImporter.parse(" customer_id  date number_of_cds  dollar_value")).isNull();
    }
}
