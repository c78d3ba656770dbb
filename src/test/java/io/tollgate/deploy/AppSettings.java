package io.tollgate.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import io.tollgate.upstream.Upstream;

/**
 * What the application reads, taken from the project itself rather than from a copy in the tests: the keys and
 * {@code ${VAR}} references of application.properties, the properties of every {@code @ConfigMapping} interface
 * in the compiled classes, the names the code reads directly, Heroku's upstream triples as the upstream registry
 * parses them, and the README's configuration table. The deploy files (k8s/, Procfile, app.json) are checked
 * against it.
 */
final class AppSettings {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path APPLICATION_PROPERTIES = ROOT.resolve("src/main/resources/application.properties");
    static final Path MAIN_SOURCES = ROOT.resolve("src/main/java");
    static final Path MAIN_CLASSES = ROOT.resolve("target/classes");
    static final Path README = ROOT.resolve("README.md");
    static final Path POM = ROOT.resolve("pom.xml");
    static final Path MIGRATIONS = ROOT.resolve("migrations");

    /** The fast-jar the build produces (quarkus.package.jar.type is left at its default). */
    static final String PACKAGED_JAR = "target/quarkus-app/quarkus-run.jar";

    /**
     * Quarkus settings the deploy files use that application.properties does not set: the run-once start of the
     * Heroku release phase, and the shutdown drain.
     */
    private static final List<String> QUARKUS_CONFIG_ROOTS = List.of("io.quarkus.runtime.init.InitRuntimeConfig",
            "io.quarkus.runtime.shutdown.ShutdownConfig", "io.quarkus.vertx.http.runtime.VertxHttpBuildTimeConfig");

    /** UsageRecorder writes the queued usage rows at shutdown for at most this long. */
    static final Duration USAGE_FLUSH_AT_SHUTDOWN = Duration.ofSeconds(10);

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    private static final Pattern DIRECT_READ = Pattern
            .compile("(?:getenv|getValue|ConfigProperty\\(name\\s*=)\\(?\\s*\"([^\"]+)\"");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern TRIPLE = Pattern.compile("([A-Z][A-Z0-9_]*)_(URL|KEY|MODEL_ID)");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> prodProperties = new HashMap<>();
    private final Set<String> envReferences = new LinkedHashSet<>();
    private final Set<String> directEnvReads = new LinkedHashSet<>();
    private final Set<String> propertyNames = new LinkedHashSet<>();
    private final Map<String, String> quarkusDefaults = new HashMap<>();
    private final Set<String> documented = new LinkedHashSet<>();

    private AppSettings() {
    }

    static AppSettings load() {
        AppSettings settings = new AppSettings();
        settings.readApplicationProperties();
        settings.readSources();
        settings.readConfigMappings();
        settings.readReadme();
        return settings;
    }

    // --- what the application reads -----------------------------------------------------------------------

    /**
     * True when the application reads this environment variable, given the whole environment (a {@code <NAME>_*}
     * triple is read only when the upstream registry makes an upstream of it).
     */
    boolean reads(String var, Map<String, String> env) {
        if (envReferences.contains(var) || directEnvReads.contains(var)) {
            return true;
        }
        if (propertyNames.stream().anyMatch(p -> envPattern(p).matcher(var).matches())) {
            return true;
        }
        Matcher triple = TRIPLE.matcher(var);
        return triple.matches() && upstreamNames(env).contains(triple.group(1).toLowerCase(Locale.ROOT));
    }

    /** True when the application reads this property (a -D system property of the Procfile, say). */
    boolean readsProperty(String property) {
        return propertyNames.stream().anyMatch(p -> p.equals(property) || envPattern(p).matcher(toEnv(property)).matches());
    }

    /** True when the README's configuration table names this environment variable or its property. */
    boolean documents(String var) {
        return documented.stream().anyMatch(name -> (name.matches("<[A-Z]+>_\\*") ? TRIPLE : envPattern(name))
                .matcher(var).matches());
    }

    /** The upstreams the application makes of this environment (UpstreamRegistry.fromEnvironment). */
    static Set<String> upstreamNames(Map<String, String> env) {
        try {
            Method parse = Class.forName("io.tollgate.upstream.UpstreamRegistry").getDeclaredMethod("fromEnvironment",
                    Map.class);
            parse.setAccessible(true);
            @SuppressWarnings("unchecked")
            List<Upstream> upstreams = (List<Upstream>) parse.invoke(null, env);
            return upstreams.stream().map(Upstream::name).collect(Collectors.toCollection(LinkedHashSet::new));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("UpstreamRegistry.fromEnvironment(Map) is how Heroku's config vars are read; "
                    + "update this test if it moved", e);
        }
    }

    // --- resolved values ----------------------------------------------------------------------------------------

    /** A property's value in the prod profile, with ${...} resolved against the environment and other properties. */
    Optional<String> prodValue(String property, Map<String, String> env) {
        String raw = prodProperties.getOrDefault(property, properties.get(property));
        if (raw == null) {
            raw = quarkusDefaults.get(property);
        }
        return Optional.ofNullable(raw).map(value -> resolve(value, env));
    }

    /** The port the application listens on in this environment. */
    int httpPort(Map<String, String> env) {
        return Integer.parseInt(prodValue("quarkus.http.port", env).orElse("8080"));
    }

    /** Where Quarkus serves its own endpoints (health, metrics): {@code /q} unless configured. */
    String nonApplicationRoot() {
        String root = prodValue("quarkus.http.non-application-root-path", Map.of()).orElseThrow();
        return root.startsWith("/") ? root : "/" + root;
    }

    Set<String> propertyKeys() {
        Set<String> keys = new LinkedHashSet<>(properties.keySet());
        keys.addAll(prodProperties.keySet());
        return keys;
    }

    private String resolve(String value, Map<String, String> env) {
        Matcher m = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = ENV_NAME.matcher(name).matches() ? env.get(name) : prodValue(name, env).orElse(null);
            if (replacement == null) {
                replacement = m.group(2) == null ? "" : m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    // --- loading ---------------------------------------------------------------------------------------------------

    private void readApplicationProperties() {
        Properties raw = new Properties();
        try (Reader reader = Files.newBufferedReader(APPLICATION_PROPERTIES)) {
            raw.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : raw.stringPropertyNames()) {
            String value = raw.getProperty(key);
            Matcher refs = ENV_REFERENCE.matcher(value);
            while (refs.find()) {
                envReferences.add(refs.group(1));
            }
            if (key.startsWith("%prod.")) {
                prodProperties.put(key.substring("%prod.".length()), value);
            } else if (!key.startsWith("%")) {
                properties.put(key, value);
            }
            propertyNames.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
        }
    }

    private void readSources() {
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = DIRECT_READ.matcher(Files.readString(file));
                while (m.find()) {
                    String name = m.group(1);
                    if (ENV_NAME.matcher(name).matches()) {
                        directEnvReads.add(name);
                    } else {
                        propertyNames.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readConfigMappings() {
        List<Class<?>> roots = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN_CLASSES.resolve("io/tollgate"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = MAIN_CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, AppSettings.class.getClassLoader());
                if (type.isInterface() && type.isAnnotationPresent(ConfigMapping.class)) {
                    roots.add(type);
                }
            }
            for (String name : QUARKUS_CONFIG_ROOTS) {
                roots.add(Class.forName(name, false, AppSettings.class.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compile the application first (target/classes)", e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        if (roots.size() <= QUARKUS_CONFIG_ROOTS.size()) {
            throw new AssertionError("no @ConfigMapping interface found under " + MAIN_CLASSES);
        }
        for (Class<?> root : roots) {
            String prefix = root.getAnnotation(ConfigMapping.class).prefix();
            ConfigMappings.getProperties(new ConfigMappings.ConfigClass(root, prefix)).forEach((name, property) -> {
                if (name.contains("[*]")) {
                    return; // list elements; the list itself is listed too
                }
                propertyNames.add(name);
                if (property.hasDefaultValue() && property.getDefaultValue() != null) {
                    quarkusDefaults.put(name, property.getDefaultValue());
                }
            });
        }
    }

    /**
     * The names in the first column of the README's configuration table. A row may abbreviate siblings:
     * {@code `tollgate.auth.cache-size` / `cache-ttl`} and {@code `tollgate.upstreams.<name>.url/key/models`}.
     */
    private void readReadme() {
        List<String> lines;
        try {
            lines = Files.readAllLines(README);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean inSection = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.toLowerCase(Locale.ROOT).startsWith("## configuration");
                continue;
            }
            if (!inSection || !line.startsWith("|")) {
                continue;
            }
            String[] cells = line.split("\\|");
            if (cells.length < 2) {
                continue;
            }
            String full = null;
            Matcher m = BACKTICKED.matcher(cells[1]);
            while (m.find()) {
                for (String part : m.group(1).split("/")) {
                    part = part.strip();
                    if (part.contains(".") || ENV_NAME.matcher(part.replaceAll("<[A-Z]+>|\\*", "X")).matches()) {
                        documented.add(part);
                        if (part.contains(".")) {
                            full = part;
                        }
                    } else if (full != null) {
                        documented.add(full.substring(0, full.lastIndexOf('.') + 1) + part);
                    }
                }
            }
        }
        if (documented.isEmpty()) {
            throw new AssertionError("README.md has no configuration table (a '## Configuration' section)");
        }
    }

    // --- names ----------------------------------------------------------------------------------------------------

    /** SmallRye Config's environment form of a property name: non-alphanumerics become '_', upper case. */
    static String toEnv(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /**
     * The environment variables a property name (or an environment name) stands for. Map keys ({@code *},
     * {@code <name>}, {@code "<alias>"}) match any name.
     */
    static Pattern envPattern(String name) {
        String wildcards = name.replaceAll("\"?<[A-Za-z]+>\"?", "*");
        StringBuilder regex = new StringBuilder();
        String[] parts = wildcards.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(toEnv(parts[i])));
        }
        return Pattern.compile(regex.toString());
    }

    /** A Quarkus duration: {@code 5s}, {@code 200ms}, {@code 2m}, a plain number of seconds, or ISO-8601. */
    static Duration duration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(value.strip());
        if (!m.matches()) {
            return Duration.parse(value.strip());
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** A child element's text of the pom's root, e.g. "version"; or a property of its properties block. */
    static String pom(String path) {
        try {
            Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(POM.toFile())
                    .getDocumentElement();
            Element current = project;
            for (String name : path.split("/")) {
                Element next = null;
                for (Node child = current.getFirstChild(); child != null; child = child.getNextSibling()) {
                    if (child instanceof Element e && e.getTagName().equals(name)) {
                        next = e;
                        break;
                    }
                }
                if (next == null) {
                    throw new AssertionError("pom.xml has no " + path);
                }
                current = next;
            }
            return current.getTextContent().strip();
        } catch (Exception e) {
            throw new AssertionError("cannot read pom.xml", e);
        }
    }
}
