package io.tollgate.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Procfile's process types and their commands, as Heroku reads it ({@code type: command} per line). */
record Procfile(Map<String, String> commands) {

    static final Path FILE = AppSettings.ROOT.resolve("Procfile");

    private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_-]+):\\s*(.+)$");
    private static final Pattern SYSTEM_PROPERTY = Pattern.compile("(?:^|\\s)-D([^=\\s]+)=(\\S*)");
    private static final Pattern JAR = Pattern.compile("(?:^|\\s)-jar\\s+(\\S+)");

    static Procfile read() {
        Map<String, String> commands = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(FILE)) {
                Matcher m = LINE.matcher(line.strip());
                if (m.matches()) {
                    if (commands.put(m.group(1), m.group(2).strip()) != null) {
                        throw new AssertionError("Procfile declares " + m.group(1) + " twice");
                    }
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    throw new AssertionError("Procfile line is not 'type: command': " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Procfile(commands);
    }

    String command(String type) {
        String command = commands.get(type);
        if (command == null) {
            throw new AssertionError("the Procfile has no " + type + " process: " + commands.keySet());
        }
        return command;
    }

    /** The -Dname=value system properties of a command. */
    Map<String, String> systemProperties(String type) {
        Map<String, String> props = new LinkedHashMap<>();
        Matcher m = SYSTEM_PROPERTY.matcher(command(type));
        while (m.find()) {
            props.put(m.group(1), m.group(2));
        }
        return props;
    }

    String jar(String type) {
        Matcher m = JAR.matcher(command(type));
        if (!m.find()) {
            throw new AssertionError(type + " does not run a jar: " + command(type));
        }
        return m.group(1);
    }
}
