package io.tollgate.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of Prometheus for tests: the series of a text exposition (what {@code /q/metrics} serves), and the
 * series selectors in a PromQL expression with PromQL's four label matchers, regular expressions anchored.
 */
public final class PromSeries {

    /**
     * A selector names one of tollgate's metrics or of the JVM's (Micrometer's binders); what else the expression says
     * (functions, by, le) is not one.
     */
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:tollgate|gen_ai|jvm|process)_[A-Za-z0-9_]+)(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern
            .compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern LABEL_LIST = Pattern
            .compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Labels Prometheus adds to a pod's series (PodMonitor, Kubernetes service discovery). */
    public static final java.util.Set<String> SCRAPE_LABELS = java.util.Set.of("namespace", "pod", "container", "job",
            "instance");

    public record Series(String name, Map<String, String> labels, double value) {
    }

    public record LabelMatcher(String label, String op, String value) {
        public boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(label, "");
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> actual.matches(value);
                case "!~" -> !actual.matches(value);
                default -> throw new IllegalArgumentException(op);
            };
        }
    }

    public record Selector(String name, List<LabelMatcher> matchers) {
        public boolean matches(Series series) {
            return series.name().equals(name) && matchers.stream().allMatch(m -> m.matches(series.labels()));
        }

        /** Without matchers on the labels Prometheus adds when it scrapes a pod, which /q/metrics does not have. */
        public Selector asExported() {
            return new Selector(name, matchers.stream().filter(m -> !SCRAPE_LABELS.contains(m.label())).toList());
        }

        @Override
        public String toString() {
            return name + matchers;
        }
    }

    private PromSeries() {
    }

    /** The series of a Prometheus text exposition; comments skipped. */
    public static List<Series> parse(String exposition) {
        List<Series> series = new ArrayList<>();
        for (String line : exposition.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            series.add(new Series(name.strip(), labels, Double.parseDouble(line.substring(space + 1).strip())));
        }
        return series;
    }

    /** The selectors of tollgate's metrics in a PromQL expression. */
    public static List<Selector> selectors(String expr) {
        List<Selector> selectors = new ArrayList<>();
        // label lists name labels, never metrics, even where a label looks like one (by (gen_ai_request_model))
        Matcher s = SELECTOR.matcher(LABEL_LIST.matcher(expr).replaceAll(" "));
        while (s.find()) {
            List<LabelMatcher> matchers = new ArrayList<>();
            if (s.group(3) != null) {
                Matcher m = MATCHER.matcher(s.group(3));
                while (m.find()) {
                    matchers.add(new LabelMatcher(m.group(1), m.group(2), m.group(3)));
                }
            }
            selectors.add(new Selector(s.group(1), List.copyOf(matchers)));
        }
        return selectors;
    }
}
