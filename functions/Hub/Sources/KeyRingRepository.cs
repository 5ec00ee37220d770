using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// The key ring is read whole or not at all. Data Protection treats a key it cannot decrypt as merely unusable and,
/// finding no usable key, writes a new one: with a wrong KEK it would silently start a second ring, protect new secrets
/// with it, and leave every stored <c>whsec_</c> unreadable. So every element this hub encrypted is opened here first,
/// and one that does not open stops the read with a <see cref="KeyRingException"/> (at start: the host does not
/// start). Elements written before encryption was on are plain and pass as they are.
/// </summary>
public sealed class KeyRingRepository(IXmlRepository inner, KeyRingKeks keks) : IXmlRepository
{
    /// <summary>Data Protection's wrapper of an encrypted secret, in its own namespace.</summary>
    internal static readonly XName EncryptedSecret = XNamespace.Get("http://schemas.asp.net/2015/03/dataProtection") + "encryptedSecret";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = inner.GetAllElements();
        foreach (var element in elements)
        {
            foreach (var encrypted in element.Descendants(EncryptedSecret))
            {
                if (encrypted.Element(KeyRingXmlEncryptor.Element) is { } ours)
                {
                    KeyRingXmlEncryptor.Decrypt(ours, keks);
                }
                else
                {
                    var type = (string?)encrypted.Attribute("decryptorType") ?? "(none)";
                    throw new KeyRingException($"A key ring element is encrypted by {type}, which this hub does not use.");
                }
            }
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);

    /// <summary>How many elements there are, and how many of them are encrypted (for the log line at start).</summary>
    public static (int Total, int Encrypted) Count(IReadOnlyCollection<XElement> elements) =>
        (elements.Count, elements.Count(e => e.Descendants(EncryptedSecret).Any()));
}
