using DvServerless.Adapters.Storage;

namespace DvServerless.Functions.Records;

/// <summary>Checks a <see cref="ConferenceTranscriptSubmission"/>, collecting every problem with the index of the segment.</summary>
public static class ConferenceTranscriptValidator
{
    /// <summary>The most segments one request may carry.</summary>
    public const int MaxSegments = 500;

    /// <summary>The longest segment text.</summary>
    public const int MaxTextLength = 4000;

    /// <summary>The problems of <paramref name="submission"/>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(ConferenceTranscriptSubmission? submission)
    {
        var errors = new List<string>();
        if (submission is null)
        {
            return ["The body must be a JSON object with a \"segments\" array."];
        }

        if (submission.Segments is not { Count: > 0 } segments)
        {
            errors.Add("\"segments\" must hold at least one segment.");
        }
        else if (segments.Count > MaxSegments)
        {
            errors.Add($"\"segments\" holds {segments.Count} segments; at most {MaxSegments} per request.");
        }
        else
        {
            for (var i = 0; i < segments.Count; i++)
            {
                var s = segments[i];
                if (s is null)
                {
                    errors.Add($"segments[{i}] is null.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(s.Speaker) || s.Speaker.Length > 64)
                {
                    errors.Add($"segments[{i}].speaker is required (at most 64 characters).");
                }

                if (string.IsNullOrWhiteSpace(s.Text) || s.Text.Length > MaxTextLength)
                {
                    errors.Add($"segments[{i}].text is required (at most {MaxTextLength} characters).");
                }

                if (s.StartMs is not >= 0)
                {
                    errors.Add($"segments[{i}].startMs is required and must be ≥ 0.");
                }

                if (s.EndMs is { } end && (s.StartMs is { } start && end < start))
                {
                    errors.Add($"segments[{i}].endMs must not be before startMs.");
                }

                if (s.Confidence is { } confidence && (double.IsNaN(confidence) || confidence is < 0 or > 1))
                {
                    errors.Add($"segments[{i}].confidence must be between 0 and 1.");
                }

                if (s.Language is { Length: > 35 })
                {
                    errors.Add($"segments[{i}].language is not a language tag.");
                }

                if (s.Sentiment is { Length: > 32 })
                {
                    errors.Add($"segments[{i}].sentiment is at most 32 characters.");
                }
            }
        }

        if (submission.CallIds is { } callIds)
        {
            if (callIds.Count > 50)
            {
                errors.Add("\"callIds\" holds at most 50 calls.");
            }

            foreach (var id in callIds.Where(id => !CallIdFormat.IsValid(id)))
            {
                errors.Add($"\"{Truncate(id)}\" in callIds is not a call id.");
            }
        }

        if (submission.Source is { Length: > 64 })
        {
            errors.Add("\"source\" is at most 64 characters.");
        }

        return errors;
    }

    private static string Truncate(string? value) => value is null ? "null" : value.Length > 40 ? value[..40] + "…" : value;
}
