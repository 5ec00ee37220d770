namespace Mellanrum.Hub.Foundation;

/// <summary>The Luhn (mod 10) check used by personnummer and organisationsnummer.</summary>
public static class Luhn
{
    public static bool IsValid(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[i] - '0';
            if (d is < 0 or > 9)
            {
                return false;
            }

            // Weights 2,1,2,1,... from the left for a 10-digit number.
            if ((digits.Length - i) % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
