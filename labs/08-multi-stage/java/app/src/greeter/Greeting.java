package greeter;

/** What the server says: hello to a name, or to whoever is reading when it is blank. */
final class Greeting {
    private Greeting() {}

    static String forName(String name) {
        String who = name == null || name.isBlank() ? "reader" : name.strip();
        return "hello, " + who + ": this answer came from a container";
    }
}
