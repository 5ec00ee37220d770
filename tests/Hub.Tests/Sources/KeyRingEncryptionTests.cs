using System.Xml.Linq;
using Mellanrum.Hub.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Mellanrum.Hub.Tests.Sources;

public sealed class KeyRingEncryptionTests
{
    private static readonly XElement MasterKey = XElement.Parse(
        """<masterKey xmlns:p4="http://schemas.asp.net/2015/03/dataProtection" p4:requiresEncryption="true"><value>c2VjcmV0IG1hc3RlciBrZXkgdmFsdWUgMTIzNDU2Nzg5MA==</value></masterKey>""");

    [Fact]
    public void Encrypt_ThenDecrypt_GivesTheElementBack_AndTheStoredFormHoldsNoneOfIt()
    {
        var keks = FixedKek.Keks(7);

        var info = new KeyRingXmlEncryptor(keks).Encrypt(MasterKey);
        var back = Decryptor(keks).Decrypt(info.EncryptedElement);

        Assert.Equal(typeof(KeyRingXmlDecryptor), info.DecryptorType);
        Assert.Equal(MasterKey.ToString(), back.ToString());
        var stored = info.EncryptedElement.ToString();
        Assert.DoesNotContain("c2VjcmV0IG1hc3RlciBrZXkgdmFsdWUgMTIzNDU2Nzg5MA", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", stored, StringComparison.Ordinal);
        Assert.Equal("keyvault", (string?)info.EncryptedElement.Attribute("kekSource"));
        Assert.Equal("v1", (string?)info.EncryptedElement.Attribute("kekVersion"));
    }

    [Fact]
    public void Encrypt_Twice_UsesAFreshNonceEachTime()
    {
        var encryptor = new KeyRingXmlEncryptor(FixedKek.Keks(7));

        var first = encryptor.Encrypt(MasterKey).EncryptedElement;
        var second = encryptor.Encrypt(MasterKey).EncryptedElement;

        Assert.NotEqual(Value(first, "nonce"), Value(second, "nonce"));
        Assert.NotEqual(Value(first, "ciphertext"), Value(second, "ciphertext"));
    }

    [Fact]
    public void Decrypt_WithAnotherKeyUnderTheSameVersion_FailsLoudly()
    {
        var element = new KeyRingXmlEncryptor(FixedKek.Keks(7)).Encrypt(MasterKey).EncryptedElement;

        var refused = Assert.Throws<KeyRingException>(() => Decryptor(FixedKek.Keks(8)).Decrypt(element));

        Assert.Contains("does not open with KEK keyvault v1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_ElementPointedAtAnotherVersion_FailsEvenWhenThatVersionHasTheSameKey()
    {
        // The KEK's names are associated data: re-labelling an element breaks its tag.
        var element = new KeyRingXmlEncryptor(FixedKek.Keks(7, "v1")).Encrypt(MasterKey).EncryptedElement;
        element.SetAttributeValue("kekVersion", "v2");

        Assert.Throws<KeyRingException>(() => Decryptor(FixedKek.Keks(7, "v2")).Decrypt(element));
    }

    [Fact]
    public void Decrypt_AlteredCiphertext_Fails()
    {
        var keks = FixedKek.Keks(7);
        var element = new KeyRingXmlEncryptor(keks).Encrypt(MasterKey).EncryptedElement;
        var ciphertext = Convert.FromBase64String(Value(element, "ciphertext"));
        ciphertext[0] ^= 1;
        element.Element(KeyRingXmlEncryptor.Namespace + "ciphertext")!.Value = Convert.ToBase64String(ciphertext);

        Assert.Throws<KeyRingException>(() => Decryptor(keks).Decrypt(element));
    }

    [Fact]
    public void Decrypt_NoKekConfigured_SaysWhichKekTheElementNeeds()
    {
        var element = new KeyRingXmlEncryptor(FixedKek.Keks(7)).Encrypt(MasterKey).EncryptedElement;

        var refused = Assert.Throws<KeyRingException>(() => Decryptor(new KeyRingKeks([])).Decrypt(element));

        Assert.Contains("KEK keyvault v1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Hub:DataProtection", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyEncryptionKey_ToString_NamesItWithoutTheKey()
    {
        var key = new KeyEncryptionKey("keyvault", "abc123", Enumerable.Repeat((byte)0x41, 32).ToArray());

        Assert.Equal("keyvault abc123", key.ToString());
    }

    private static KeyRingXmlDecryptor Decryptor(KeyRingKeks keks) =>
        new(new ServiceCollection().AddSingleton(keks).BuildServiceProvider());

    private static string Value(XElement element, string name) => (string)element.Element(KeyRingXmlEncryptor.Namespace + name)!;
}
