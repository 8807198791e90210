package dev.labfleet.automation.script;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Script bodies as Qute templates: parsed when a script is saved (a syntax error is a 400 naming the line) and
 * rendered strictly for each node before any console is touched (an expression that resolves to nothing is a 400
 * naming the line, never an empty string sent to a router). A rendered body is one command per non-blank line; an
 * {@code expect} script's lines are {@code send TEXT} or {@code expect[ TIMEOUTs] REGEX}.
 */
@ApplicationScoped
public class ScriptTemplates {

    private static final Pattern EXPECT_LINE = Pattern.compile("expect(?:\\[(\\d+(?:\\.\\d+)?)s])?\\s+(.*)");
    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    private final Engine engine;

    public ScriptTemplates(Engine engine) {
        this.engine = engine;
    }

    /** The parsed body; a 400 on {@code field} naming the line when the template does not parse. */
    public Template parse(String body, String field) {
        try {
            return engine.parse(body == null ? "" : body);
        } catch (TemplateException e) {
            throw ProblemException.invalid(field, "template syntax error " + where(e) + describe(e));
        } catch (RuntimeException e) {
            throw ProblemException.invalid(field, "template syntax error: " + e.getMessage());
        }
    }

    /**
     * The body rendered with {@code data}, as console steps.
     *
     * @param kind the script's kind (dialect)
     * @throws ProblemException 400 on {@code field} naming the line of an expression that cannot be rendered
     */
    public List<ConsoleStep> render(Template template, Map<String, Object> data, String kind, String field) {
        String text;
        try {
            TemplateInstance instance = template.instance();
            data.forEach(instance::data);
            text = instance.render();
        } catch (TemplateException e) {
            throw ProblemException.invalid(field, "cannot render " + where(e) + describe(e));
        } catch (RuntimeException e) {
            throw ProblemException.invalid(field, "cannot render: " + e.getMessage());
        }
        return steps(text, kind, field);
    }

    /** A short text (a workflow step's value) rendered with {@code data}; a 400 on {@code field} when it cannot be. */
    public String renderText(String text, Map<String, Object> data, String field) {
        if (text == null || text.indexOf('{') < 0) {
            return text;
        }
        try {
            TemplateInstance instance = parse(text, field).instance();
            data.forEach(instance::data);
            return instance.render();
        } catch (TemplateException e) {
            throw ProblemException.invalid(field, "cannot render " + where(e) + describe(e));
        }
    }

    /** A rendered body as steps; for {@code expect} scripts each line's regex is compiled here. */
    public static List<ConsoleStep> steps(String text, String kind, String field) {
        List<ConsoleStep> steps = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        boolean expect = "expect".equals(kind);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!expect) {
                steps.add(ConsoleStep.command(line));
                continue;
            }
            if (line.equals("send") || line.startsWith("send ")) {
                steps.add(new ConsoleStep(ConsoleStep.SEND, line.length() > 5 ? line.substring(5) : "", null, null));
                continue;
            }
            Matcher m = EXPECT_LINE.matcher(line);
            if (!m.matches()) {
                throw ProblemException.invalid(field, "rendered line " + (i + 1) + ": an expect script's lines are "
                        + "'send TEXT' or 'expect REGEX' (or 'expect[10s] REGEX'), not '" + abbreviate(line) + "'");
            }
            try {
                Pattern.compile(m.group(2));
            } catch (PatternSyntaxException e) {
                throw ProblemException.invalid(field, "rendered line " + (i + 1) + ": the regex does not compile: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
            Long timeout = m.group(1) == null ? null : (long) (Double.parseDouble(m.group(1)) * 1000);
            steps.add(new ConsoleStep(ConsoleStep.EXPECT, null, m.group(2), timeout));
        }
        return steps;
    }

    /** "on line N: " from a Qute error's origin (or its message). */
    private static String where(TemplateException e) {
        if (e.getOrigin() != null && e.getOrigin().getLine() > 0) {
            return "on line " + e.getOrigin().getLine() + ": ";
        }
        Matcher m = LINE.matcher(String.valueOf(e.getMessage()));
        return m.find() ? "on line " + m.group(1) + ": " : ": ";
    }

    /** Qute's message without its template id and position prefix (we name the field and the line ourselves). */
    static String describe(TemplateException e) {
        String message = e.getMessage() == null ? "invalid template" : e.getMessage();
        message = message.replaceAll("(?s)^.*?template \\[[^]]*] (?:on )?line \\d+(?:, col(?:umn)? \\d+)?:\\s*", "");
        message = message.replaceAll("(?s)^Parser error:?\\s*", "");
        message = message.replaceAll("(?s)\\s*- \\{[^}]*}:\\d+.*$", "");
        message = message.replaceAll("(?s)\\s*\\n.*$", "");
        message = message.replaceAll("(?:[a-z]+\\.)+[A-Z]\\w+(\\$\\w+)?@[0-9a-f]+", "a value");
        message = message.replaceAll("(?:java|io|org)\\.(?:[a-z]+\\.)+([A-Z]\\w+)", "$1");
        return message.strip();
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }

    /** The violation for a field, for callers collecting several. */
    public static Problem.Violation violation(ProblemException e) {
        Problem p = e.problem();
        return p.violations().isEmpty() ? new Problem.Violation("", p.detail()) : p.violations().get(0);
    }
}
