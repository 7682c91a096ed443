using System.Globalization;
using MtaKit.Routing;

namespace MtaKit.Queueing;

// A cursor over one line of retry rule text. Errors name the 1-based line and column, what was
// expected, and what was found there.
internal sealed class RetryRuleParser
{
    private readonly string text;
    private readonly int line;
    private readonly int start;
    private readonly int end;
    private readonly bool isRuleSet;
    private int pos;

    private RetryRuleParser(string text, int line, int start, int end, bool isRuleSet)
    {
        this.isRuleSet = isRuleSet;
        this.text = text;
        this.line = line;
        this.start = start;
        this.end = end;
        pos = start;
    }

    public static RetrySchedule ParseSchedule(string text)
    {
        var parser = new RetryRuleParser(text, 1, 0, text.Length, isRuleSet: false);
        var schedule = parser.ReadSchedule();
        parser.SkipSpaces();
        parser.ExpectEnd("';' or the end of the schedule");
        return schedule;
    }

    public static RetryRuleSet ParseRuleSet(string text)
    {
        var rules = new List<RetryRule>();
        var lineStart = 0;
        var lineNumber = 1;
        while (lineStart <= text.Length)
        {
            var lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            var parser = new RetryRuleParser(text, lineNumber, lineStart, lineEnd > lineStart && text[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd, isRuleSet: true);
            parser.SkipSpaces();
            if (!parser.AtEnd && parser.Peek != '#')
            {
                rules.Add(parser.ReadRule());
            }

            lineStart = lineEnd + 1;
            lineNumber++;
        }

        return new RetryRuleSet(rules);
    }

    private bool AtEnd => pos >= end;

    private char Peek => text[pos];

    private RetryRule ReadRule()
    {
        var patternStart = pos;
        var word = ReadWord();
        DomainPattern pattern;
        try
        {
            pattern = DomainPattern.Parse(word);
        }
        catch (FormatException)
        {
            throw Error(patternStart, $"expected a domain pattern ('*', 'example.com' or '*.example.com'), found '{word}'");
        }

        RequireSpaces("an error kind after the domain pattern");
        var kindStart = pos;
        var kindWord = ReadWord();
        if (!RetryRule.TryParseErrorKind(kindWord, out var kind))
        {
            throw Error(kindStart, $"expected an error kind (any, timeout, refused, dns, mail_4xx, rcpt_4xx, data_4xx, other), found '{kindWord}'");
        }

        RequireSpaces("a retry schedule after the error kind");
        var schedule = ReadSchedule();
        SkipSpaces();
        ExpectEnd("';' or the end of the line");
        return new RetryRule { DomainPattern = pattern, ErrorKind = kind, Schedule = schedule };
    }

    private RetrySchedule ReadSchedule()
    {
        var steps = new List<RetryStep>();
        while (true)
        {
            SkipSpaces();
            var stepStart = pos;
            var step = ReadStep();
            if (steps.Count > 0 && step.Cutoff <= steps[^1].Cutoff)
            {
                throw Error(stepStart, $"each step's cutoff must be later than the previous one ({Format(steps[^1].Cutoff)}), found {Format(step.Cutoff)}");
            }

            steps.Add(step);
            SkipSpaces();
            if (!AtEnd && Peek == ';')
            {
                pos++;
                SkipSpaces();
                if (AtEnd)
                {
                    break; // a trailing ';' is harmless
                }

                continue;
            }

            return new RetrySchedule(steps);
        }

        return new RetrySchedule(steps);
    }

    private RetryStep ReadStep()
    {
        if (AtEnd || char.ToUpperInvariant(Peek) is not ('F' or 'G' or 'H'))
        {
            throw Error(pos, "expected a retry step letter F, G or H");
        }

        var kind = char.ToUpperInvariant(Peek) switch
        {
            'F' => RetryStepKind.Fixed,
            'G' => RetryStepKind.Geometric,
            _ => RetryStepKind.RandomGeometric,
        };
        pos++;
        ExpectComma("after the step letter");
        var cutoff = ReadTime("cutoff");
        ExpectComma("after the cutoff");
        var intervalStart = pos;
        var interval = ReadTime("interval");
        if (interval <= TimeSpan.Zero)
        {
            throw Error(intervalStart, "the interval must be greater than zero");
        }

        var multiplier = 1.0;
        if (kind != RetryStepKind.Fixed)
        {
            ExpectComma("and a multiplier after the interval (G and H steps take one)");
            SkipSpaces();
            var numberStart = pos;
            while (!AtEnd && (char.IsAsciiDigit(Peek) || Peek == '.'))
            {
                pos++;
            }

            if (!double.TryParse(text.AsSpan(numberStart, pos - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out multiplier)
                || multiplier < 1)
            {
                throw Error(numberStart, "expected a multiplier of at least 1 (like 1.5)");
            }
        }

        return new RetryStep { Kind = kind, Cutoff = cutoff, Interval = interval, Multiplier = multiplier };
    }

    private TimeSpan ReadTime(string what)
    {
        SkipSpaces();
        var total = TimeSpan.Zero;
        var any = false;
        while (!AtEnd && char.IsAsciiDigit(Peek))
        {
            var numberStart = pos;
            while (!AtEnd && char.IsAsciiDigit(Peek))
            {
                pos++;
            }

            if (!int.TryParse(text.AsSpan(numberStart, pos - numberStart), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw Error(numberStart, $"the {what} number is too large");
            }

            if (AtEnd || char.ToLowerInvariant(Peek) is not ('w' or 'd' or 'h' or 'm' or 's'))
            {
                throw Error(pos, $"expected a time unit (w, d, h, m or s) after '{text[numberStart..pos]}' in the {what}");
            }

            total += char.ToLowerInvariant(Peek) switch
            {
                'w' => TimeSpan.FromDays(7 * number),
                'd' => TimeSpan.FromDays(number),
                'h' => TimeSpan.FromHours(number),
                'm' => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromSeconds(number),
            };
            pos++;
            any = true;
        }

        if (!any)
        {
            throw Error(pos, $"expected the {what} as a time like 2h, 15m or 1h30m");
        }

        return total;
    }

    private void ExpectComma(string context)
    {
        SkipSpaces();
        if (AtEnd || Peek != ',')
        {
            throw Error(pos, "expected ',' " + context);
        }

        pos++;
    }

    private void ExpectEnd(string expected)
    {
        if (!AtEnd)
        {
            throw Error(pos, "expected " + expected);
        }
    }

    private string ReadWord()
    {
        var wordStart = pos;
        while (!AtEnd && !char.IsWhiteSpace(Peek))
        {
            pos++;
        }

        return text[wordStart..pos];
    }

    private void RequireSpaces(string expected)
    {
        if (AtEnd)
        {
            throw Error(pos, "expected " + expected);
        }

        SkipSpaces();
    }

    private void SkipSpaces()
    {
        while (!AtEnd && char.IsWhiteSpace(Peek))
        {
            pos++;
        }
    }

    private RetryRuleFormatException Error(int at, string message)
    {
        var column = at - start + 1;
        var found = message.Contains(", found ", StringComparison.Ordinal) ? "" : at >= end ? ", found the end" : $", found '{text[at]}'";
        var where = line > 0 && isRuleSet
            ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}")
            : string.Create(CultureInfo.InvariantCulture, $"column {column}");
        return new RetryRuleFormatException($"Retry rule error at {where}: {message}{found} (in '{text[start..end]}').", line, column);
    }

    private static string Format(TimeSpan time) => time.ToString("c", CultureInfo.InvariantCulture);
}
