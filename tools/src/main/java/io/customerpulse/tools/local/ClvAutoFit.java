package io.customerpulse.tools.local;

import io.customerpulse.avro.ClvModel;
import io.customerpulse.config.JobConfig;
import io.customerpulse.tools.clv.FitCommand;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The local stack's CLV model, fitted and published without anyone running {@code scripts/fit-clv}
 * (issue 16): once the database holds enough customers ({@link FitCommand#MIN_CUSTOMERS} with an
 * order, {@link FitCommand#MIN_REPEAT_CUSTOMERS} with a repeat purchase), the BG/NBD and
 * Gamma-Gamma fit over the profiles is published to the clv-models topic and the clv_model table,
 * and the running job scores every customer with it from then on (predicted CLV in the profiles).
 */
public final class ClvAutoFit {
    private ClvAutoFit() {}

    /**
     * Fits over the profiles now in the database and publishes the model when there are at least
     * {@code minCustomers} customers with an order and {@code minRepeat} with a repeat purchase;
     * returns it, or null (nothing published) when there are fewer or the fit fails.
     */
    public static ClvModel tryOnce(
            JobConfig config, LocalDate asOf, Instant now, int minCustomers, int minRepeat)
            throws Exception {
        Map<String, FitCommand.Customer> customers = FitCommand.fromPostgres(config.postgres());
        long repeat = customers.values().stream().filter(c -> c.x() > 0).count();
        if (customers.size() < minCustomers || repeat < minRepeat) {
            return null; // too few: a fit would say nothing
        }
        ClvModel model;
        try {
            model =
                    FitCommand.fit(
                            customers.values(),
                            asOf,
                            config.reportingCurrency(),
                            config.clv().minorPerUnit(),
                            now.truncatedTo(ChronoUnit.MILLIS));
        } catch (RuntimeException noFit) {
            System.err.println("CLV model: no fit yet (" + noFit.getMessage() + ")");
            return null;
        }
        FitCommand.publish(model, config);
        return model;
    }
}
