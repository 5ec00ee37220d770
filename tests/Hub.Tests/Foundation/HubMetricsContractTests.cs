using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json;
using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Foundation;

/// <summary>
/// The code's instruments are the ones <c>infra/monitoring/metrics.json</c> lists (the contract the workbook and the
/// alert rules read): the same names, units, kinds and attributes, and each attribute's values from the contract's list.
/// </summary>
public sealed class HubMetricsContractTests
{
    private static readonly JsonElement Contract = LoadContract();

    private static IEnumerable<JsonElement> ContractMetrics(string meter) =>
        Contract.GetProperty("metrics").EnumerateArray()
            .Where(m => (m.TryGetProperty("meter", out var own) ? own.GetString() : Contract.GetProperty("meter").GetString()) == meter);

    private static IReadOnlyList<Instrument> CodeInstruments() =>
        typeof(HubMetrics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => typeof(Instrument).IsAssignableFrom(f.FieldType))
            .Select(f => (Instrument)f.GetValue(null)!)
            .Where(i => i.Meter.Name == HubMetrics.MeterName)
            .ToList();

    [Fact]
    public void TheMeter_IsTheContractsMeter() =>
        Assert.Equal(HubMetrics.MeterName, Contract.GetProperty("meter").GetString());

    [Fact]
    public void EveryInstrumentOfTheMeter_IsInTheContract_WithItsUnitAndKind_AndNoneIsMissing()
    {
        var code = CodeInstruments().ToDictionary(i => i.Name, i => (i.Unit, Kind: Kind(i)));
        var contract = ContractMetrics(HubMetrics.MeterName).ToDictionary(
            m => m.GetProperty("name").GetString()!,
            m => (Unit: m.GetProperty("unit").GetString(), Kind: m.GetProperty("instrument").GetString()!));

        Assert.Equal(contract.Keys.Order(StringComparer.Ordinal), code.Keys.Order(StringComparer.Ordinal));
        Assert.All(contract, c => Assert.Equal(c.Value, code[c.Key]));
    }

    [Fact]
    public void EachInstrumentsAttributeKeys_AreTheContracts()
    {
        foreach (var metric in ContractMetrics(HubMetrics.MeterName))
        {
            var name = metric.GetProperty("name").GetString()!;
            Assert.Equal(
                metric.GetProperty("attributes").EnumerateObject().Select(a => a.Name).Order(StringComparer.Ordinal),
                HubMetrics.AttributeKeys[name].Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void WhatTheRecordersWrite_HasOnlyTheContractsAttributes_WithValuesFromItsLists()
    {
        var seen = new ConcurrentBag<(string Instrument, KeyValuePair<string, object?>[] Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HubMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => seen.Add((instrument.Name, tags.ToArray())));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => seen.Add((instrument.Name, tags.ToArray())));
        listener.Start();

        HubMetrics.Accepted("nacka-diarium", duplicate: false);
        HubMetrics.Accepted("nacka-diarium", duplicate: true);
        foreach (var status in new[] { 400, 401, 403, 404, 413, 415, 422, 429, 500 })
        {
            HubMetrics.Rejected(HubMetrics.UnknownSource, status);
        }

        HubMetrics.Ingested("nacka-diarium", TimeSpan.FromMilliseconds(12));
        HubMetrics.FannedOut(TimeSpan.FromSeconds(2));
        foreach (var channel in new[] { "servicebus", "queue", "webhook" })
        {
            foreach (var outcome in new[] { "delivered", "retry", "dead-letter" })
            {
                HubMetrics.Delivery(channel, outcome);
            }

            HubMetrics.DeadLetter(channel);
            HubMetrics.Delivered(channel, TimeSpan.FromSeconds(3));
        }

        HubMetrics.CircuitOpened();
        HubMetrics.CircuitClosed();
        foreach (var outcome in new[] { "sent", "skipped", "failed" })
        {
            HubMetrics.Digest(outcome);
        }

        using (HubMetrics.ObserveRejections(() => 3))
        {
            listener.RecordObservableInstruments();
        }

        var contract = ContractMetrics(HubMetrics.MeterName).ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("attributes"));
        Assert.Equal(contract.Keys.Order(StringComparer.Ordinal), seen.Select(s => s.Instrument).Distinct().Order(StringComparer.Ordinal));
        foreach (var (instrument, tags) in seen)
        {
            var attributes = contract[instrument];
            Assert.Equal(attributes.EnumerateObject().Select(a => a.Name).Order(StringComparer.Ordinal), tags.Select(t => t.Key).Order(StringComparer.Ordinal));
            foreach (var tag in tags)
            {
                var allowed = attributes.GetProperty(tag.Key);
                var value = Assert.IsType<string>(tag.Value);
                if (allowed.ValueKind == JsonValueKind.Array)
                {
                    Assert.Contains(value, allowed.EnumerateArray().Select(a => a.GetString()));
                }
            }
        }

        // 404 and 500 are no rejection reasons of the contract: they are not counted as one.
        Assert.DoesNotContain(seen, s => s.Instrument == "hub.updates.rejected" && s.Tags.Any(t => t.Value is "404" or "500"));
    }

    private static string Kind(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition().Name.Split('`')[0] switch
    {
        "Counter" => "counter",
        "Histogram" => "histogram",
        "UpDownCounter" => "updowncounter",
        "ObservableGauge" => "observablegauge",
        var other => other,
    };

    private static JsonElement LoadContract()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "monitoring", "metrics.json")));
        return document.RootElement.Clone();
    }
}
