package io.tollgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

import io.quarkus.deployment.images.ContainerImages;

/**
 * The Dockerfiles against the build and the manifests: one image name everywhere, the base images Quarkus uses for
 * this version, the port and user the pod expects, and a .dockerignore that lets through what they copy.
 */
class ContainerImageTest {

    static final Path DOCKER = AppSettings.ROOT.resolve("src/main/docker");
    static final Path JVM = DOCKER.resolve("Dockerfile.jvm");
    static final Path NATIVE = DOCKER.resolve("Dockerfile.native");

    private static final Pattern TAG = Pattern.compile("docker build .*-t (\\S+)");

    @Test
    void imageNameIsTheSameInTheBaseTheOverlayAndTheDockerfiles() throws IOException {
        String image = Manifests.container().path("image").asText();
        String repository = repository(image);
        for (Path dockerfile : List.of(JVM, NATIVE)) {
            List<String> tags = tags(dockerfile);
            assertFalse(tags.isEmpty(), dockerfile.getFileName() + " should say how to build and tag the image");
            tags.forEach(t -> assertEquals(repository, repository(t), dockerfile.getFileName() + " tags " + t));
        }
        assertEquals(repository, Manifests.kustomization(Manifests.EXAMPLE_OVERLAY).path("images").path(0).path("name")
                .asText());
    }

    @Test
    void imageTagIsTheReleaseOfTheProjectVersion() throws IOException {
        String release = AppSettings.pom("version").replaceFirst("-SNAPSHOT$", "");
        assertEquals(release, tag(Manifests.container().path("image").asText()), "base image tag vs pom version");
        assertEquals(List.of(release), tags(JVM).stream().map(ContainerImageTest::tag).toList());
        assertEquals(List.of(release + "-native"), tags(NATIVE).stream().map(ContainerImageTest::tag).toList());
    }

    @Test
    void jvmImageRunsTheFastJarOnQuarkusDefaultRuntimeAsThePodsUserAndPort() throws IOException {
        String dockerfile = Files.readString(JVM);
        String release = AppSettings.pom("properties/maven.compiler.release");
        assertEquals(List.of(javaRuntimeImage(release)), instructions(dockerfile, "FROM"));
        assertTrue(dockerfile.contains("ENV JAVA_APP_JAR=\"/deployments/" + Path.of(AppSettings.PACKAGED_JAR).getFileName()
                + "\""), "run-java.sh must start the fast-jar");
        for (String dir : List.of("lib", "app", "quarkus")) {
            assertTrue(dockerfile.contains("target/quarkus-app/" + dir + "/"), "copies target/quarkus-app/" + dir);
        }
        assertExposesTheApplicationPort(dockerfile);
        int runAsUser = Manifests.one(Manifests.BASE, "Deployment").node().path("spec").path("template").path("spec")
                .path("securityContext").path("runAsUser").asInt();
        assertEquals(List.of(String.valueOf(runAsUser)), instructions(dockerfile, "USER"), "USER vs the pod's runAsUser");
    }

    @Test
    void jvmImageRunsWithTheProcfilesMemorySettings() throws IOException {
        String web = Procfile.read().command("web");
        Matcher options = Pattern.compile("^java (.*?) \\$JAVA_OPTS ").matcher(web);
        assertTrue(options.find(), "the web process gives its JVM options before $JAVA_OPTS: " + web);
        List<String> envs = instructions(Files.readString(JVM), "ENV");
        Pattern javaOptions = Pattern.compile("^(GC_CONTAINER_OPTIONS|JAVA_OPTS_APPEND)=\"(.*)\"$");
        List<String> image = new ArrayList<>();
        for (String env : envs) {
            Matcher value = javaOptions.matcher(env);
            if (value.find()) {
                image.addAll(List.of(value.group(2).split(" ")));
            }
        }
        for (String option : options.group(1).split(" ")) {
            assertTrue(image.contains(option), "the image's run-java.sh options lack the Procfile's " + option + ": " + image);
        }
        assertTrue(envs.contains("MALLOC_ARENA_MAX=2"),
                "two malloc arenas, Heroku's default for new apps");
    }

    @Test
    void nativeImageIsBuiltInDockerWithTheMandrelBuilderOfThisQuarkusVersion() throws Exception {
        String dockerfile = Files.readString(NATIVE);
        List<String> from = instructions(dockerfile, "FROM");
        assertEquals(List.of(ContainerImages.UBI9_MANDREL_BUILDER + " AS build", ContainerImages.QUARKUS_MICRO_IMAGE), from,
                "a multi-stage build: Mandrel builder, then the Quarkus micro image");
        assertTrue(instructions(dockerfile, "RUN").stream().anyMatch(r -> r.contains("package") && r.contains("-Dnative")),
                "the build stage packages with -Dnative");
        assertTrue(dockerfile.contains("COPY --from=build"), "the runtime stage copies the executable from the build stage");
        assertTrue(Files.readString(AppSettings.POM).contains("<id>native</id>"), "pom.xml needs the native profile");
        // the build stage needs every folder the pom builds from
        List<String> copied = copySources(dockerfile);
        NodeList directories = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(AppSettings.POM.toFile())
                .getElementsByTagName("directory");
        for (int i = 0; i < directories.getLength(); i++) {
            String top = directories.item(i).getTextContent().strip().split("/")[0];
            assertTrue(copied.contains(top), "Dockerfile.native does not copy " + top + ", which pom.xml builds from");
        }
        assertTrue(copied.containsAll(List.of("mvnw", ".mvn", "pom.xml", "src")), "copies " + copied);
        assertExposesTheApplicationPort(dockerfile);
    }

    @Test
    void dockerignoreLetsThroughWhatTheDockerfilesCopyAndNothingLocal() throws IOException {
        List<String> lines = Files.readAllLines(AppSettings.ROOT.resolve(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", lines.get(0), "exclude everything, then let through what the images need");
        List<Pattern> allowed = lines.stream().filter(l -> l.startsWith("!")).map(l -> glob(l.substring(1))).toList();
        for (Path dockerfile : List.of(JVM, NATIVE)) {
            for (String source : copySources(Files.readString(dockerfile))) {
                assertTrue(allowedByIgnoreFile(source, allowed), ".dockerignore keeps " + source + " out of "
                        + dockerfile.getFileName());
            }
        }
        assertFalse(allowedByIgnoreFile(".tollgate/pgdata", allowed), "local data must not enter an image");
        assertFalse(allowedByIgnoreFile("k8s/overlays/example/secrets.env", allowed), "secrets must not enter an image");
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    static String repository(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
    }

    static String tag(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
    }

    private static String javaRuntimeImage(String javaRelease) {
        try {
            return (String) ContainerImages.class.getField("UBI9_JAVA_" + javaRelease).get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Quarkus has no UBI 9 runtime image for Java " + javaRelease, e);
        }
    }

    private static void assertExposesTheApplicationPort(String dockerfile) {
        int port = AppSettings.load().httpPort(Map.of());
        assertEquals(List.of(String.valueOf(port)), instructions(dockerfile, "EXPOSE"));
    }

    private static List<String> tags(Path dockerfile) throws IOException {
        List<String> tags = new ArrayList<>();
        Matcher m = TAG.matcher(Files.readString(dockerfile));
        while (m.find()) {
            tags.add(m.group(1));
        }
        return tags;
    }

    /** The arguments of every instruction of that name (continuation lines joined, comments skipped). */
    private static List<String> instructions(String dockerfile, String name) {
        List<String> found = new ArrayList<>();
        for (String line : dockerfile.replaceAll("\\\\\\n\\s*", " ").split("\n")) {
            String l = line.strip();
            if (l.startsWith(name + " ")) {
                found.add(l.substring(name.length() + 1).strip());
            }
        }
        return found;
    }

    /** The first path segment of every COPY source from the build context (not from another stage). */
    private static List<String> copySources(String dockerfile) {
        List<String> sources = new ArrayList<>();
        for (String copy : instructions(dockerfile, "COPY")) {
            List<String> args = new ArrayList<>(List.of(copy.split("\\s+")));
            if (args.stream().anyMatch(a -> a.startsWith("--from"))) {
                continue;
            }
            args.removeIf(a -> a.startsWith("--"));
            args.subList(0, args.size() - 1).forEach(sources::add);
        }
        return sources;
    }

    private static boolean allowedByIgnoreFile(String source, List<Pattern> allowed) {
        String path = source.replaceAll("/$", "");
        String[] segments = path.split("/");
        for (int i = 1; i <= segments.length; i++) {
            String prefix = String.join("/", List.of(segments).subList(0, i));
            if (allowed.stream().anyMatch(p -> p.matcher(prefix).matches())) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String pattern) {
        return Pattern.compile(Pattern.quote(pattern).replace("*", "\\E[^/]*\\Q"));
    }
}
