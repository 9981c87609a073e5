package io.customerpulse.tools.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric selectors of an alert-rules file ({@code flink_name} or {@code flink_name{label="v"}},
 * equality matchers only), so that a test can find each in a real scrape: a renamed metric or
 * operator would otherwise leave an alert that can never fire.
 */
final class AlertSelectors {
    private static final Pattern SELECTOR =
            Pattern.compile("(flink_[A-Za-z0-9_]+)(\\{([^}]*)\\})?");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private AlertSelectors() {}

    static Set<String> of(Path rules) throws IOException {
        Set<String> selectors = new TreeSet<>();
        for (String line : Files.readAllLines(rules)) {
            if (line.trim().startsWith("expr:")) {
                Matcher m = SELECTOR.matcher(line);
                while (m.find()) {
                    selectors.add(m.group());
                }
            }
        }
        return selectors;
    }

    /** Whether a sample of the scrape has the selector's name and every one of its labels. */
    static boolean matches(Scrape scrape, String selector) {
        Matcher m = SELECTOR.matcher(selector);
        if (!m.matches()) {
            throw new IllegalArgumentException(selector);
        }
        Map<String, String> labels = new TreeMap<>();
        if (m.group(3) != null) {
            Matcher l = LABEL.matcher(m.group(3));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
        }
        return scrape.samples().stream()
                .anyMatch(
                        s ->
                                s.name().equals(m.group(1))
                                        && s.labels().entrySet().containsAll(labels.entrySet()));
    }
}
