package io.tollgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The command-line tools of the deploy tests (promtool, kubectl): found on the PATH, run in a folder. */
final class Tools {

    private Tools() {
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The tool, or empty where it is not installed: the tests that need it skip there, except in CI ({@code CI} set),
     * which must run them (it installs {@code debianPackage}).
     */
    static Optional<Path> requiredInCi(String name, String debianPackage) {
        Optional<Path> found = onPath(name);
        if (found.isEmpty() && System.getenv("CI") != null) {
            throw new AssertionError(name + " is not installed; CI needs it (Debian: apt-get install " + debianPackage + ")");
        }
        return found;
    }

    /** Runs the tool in {@code dir}; answers what it printed (both streams), failing unless it exits with 0. */
    static String run(Path dir, Path tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, tool.getFileName().toString(), ".out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(tool.getFileName() + " did not finish in 60 s: " + command);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }
}
