using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Fillwise.Exchange.Tests.Server.Conformance;

/// <summary>
/// Kalshi's API descriptions (OpenAPI for REST, AsyncAPI for the WebSocket) read as JSON, and a
/// checker of JSON values against their schemas: required fields, types, enums and consts, through
/// $ref, allOf, oneOf/anyOf and nullable. Formats and patterns are not checked (Kalshi's own examples
/// break its ticker pattern).
/// </summary>
internal sealed class SpecSchema
{
    private readonly JsonObject _root;

    private SpecSchema(JsonObject root) => _root = root;

    public static SpecSchema OpenApi { get; } = Load("kalshi-openapi.yaml");

    public static SpecSchema AsyncApi { get; } = Load("kalshi-asyncapi.yaml");

    public JsonObject Root => _root;

    private static SpecSchema Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Server", "Conformance", "Specs", file);
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        return new SpecSchema((JsonObject)ToJson(yaml.Documents[0].RootNode)!);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded) return JsonValue.Create(text);
        switch (text)
        {
            case "true": return JsonValue.Create(true);
            case "false": return JsonValue.Create(false);
            case "null" or "~" or "": return null;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    /// <summary>The node a local reference ("#/components/schemas/Order") names.</summary>
    public JsonNode Resolve(string reference)
    {
        JsonNode node = _root;
        foreach (var part in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            node = node[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)] ?? throw new KeyNotFoundException(reference);
        return node;
    }

    /// <summary>Every way <paramref name="value"/> breaks <paramref name="schema"/>, each with its JSON path; empty when it fits.</summary>
    public List<string> Check(JsonNode? value, JsonNode schema, string path = "$")
    {
        var errors = new List<string>();
        Check(value, schema, path, errors, 0);
        return errors;
    }

    private void Check(JsonNode? value, JsonNode schema, string path, List<string> errors, int depth)
    {
        if (depth > 40) return;
        while (schema["$ref"] is JsonValue r) schema = Merge(Resolve(r.GetValue<string>()), schema);
        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true && TypeOf(schema) is { } t && t != "null")
                errors.Add($"{path}: null where the spec has {t}");
            return;
        }
        if (schema["allOf"] is JsonArray all)
            foreach (var part in all) Check(value, part!, path, errors, depth + 1);
        foreach (var anyName in new[] { "oneOf", "anyOf" })
        {
            if (schema[anyName] is not JsonArray any) continue;
            if (!any.Any(option => Check(value, option!, path).Count == 0))
                errors.Add($"{path}: fits none of the {anyName} schemas: {value.ToJsonString()}");
        }
        var type = TypeOf(schema);
        var kind = value.GetValueKind();
        var typeOk = type switch
        {
            "string" => kind == JsonValueKind.String,
            "integer" => kind == JsonValueKind.Number && value.ToJsonString().All(c => char.IsDigit(c) || c == '-'),
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "array" => kind == JsonValueKind.Array,
            "object" => kind == JsonValueKind.Object,
            _ => true,
        };
        if (!typeOk)
        {
            errors.Add($"{path}: {kind} where the spec has {type}: {value.ToJsonString()}");
            return;
        }
        if (schema["enum"] is JsonArray options && kind != JsonValueKind.Object && kind != JsonValueKind.Array
            && !options.Any(o => o is not null && Same(o, value)))
            errors.Add($"{path}: {value.ToJsonString()} is not one of {options.ToJsonString()}");
        if (schema["const"] is JsonNode constant && !Same(constant, value))
            errors.Add($"{path}: {value.ToJsonString()} is not the constant {constant.ToJsonString()}");
        if (value is JsonObject obj)
        {
            foreach (var required in (schema["required"] as JsonArray ?? []).Select(n => n!.GetValue<string>()))
            {
                if (!obj.ContainsKey(required)) errors.Add($"{path}.{required}: required but missing");
            }
            if (schema["properties"] is JsonObject properties)
            {
                foreach (var (name, property) in properties)
                {
                    if (obj.TryGetPropertyValue(name, out var child) && property is not null)
                        Check(child, property, $"{path}.{name}", errors, depth + 1);
                }
            }
        }
        if (value is JsonArray array && schema["items"] is JsonNode items)
        {
            for (var i = 0; i < array.Count; i++) Check(array[i], items, $"{path}[{i}]", errors, depth + 1);
        }
    }

    private static string? TypeOf(JsonNode schema) => schema["type"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray many => many.Select(n => n!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => null,
    };

    private static bool Same(JsonNode a, JsonNode b) =>
        a.GetValueKind() is JsonValueKind.String || b.GetValueKind() is JsonValueKind.String
            ? string.Equals(a.ToString(), b.ToString(), StringComparison.Ordinal)
            : JsonNode.DeepEquals(a, b);

    /// <summary>A $ref with siblings (nullable, description): the referenced schema with the siblings on top.</summary>
    private static JsonNode Merge(JsonNode referenced, JsonNode withRef)
    {
        if (withRef is not JsonObject o || o.Count == 1) return referenced;
        var merged = (JsonObject)referenced.DeepClone();
        foreach (var (k, v) in o)
            if (k != "$ref") merged[k] = v?.DeepClone();
        return merged;
    }

    /// <summary>The JSON schema of the answer <paramref name="status"/> to METHOD path (an OpenAPI path template), or null.</summary>
    public JsonNode? ResponseSchema(string method, string pathTemplate, int status)
    {
        var operation = _root["paths"]?[pathTemplate]?[method.ToLowerInvariant()];
        var response = operation?["responses"]?[status.ToString(CultureInfo.InvariantCulture)];
        while (response?["$ref"] is JsonValue r) response = Resolve(r.GetValue<string>());
        return response?["content"]?["application/json"]?["schema"];
    }
}
