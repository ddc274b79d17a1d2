using DvServerless.Core.Tenants;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tenancy;

/// <summary>Reports every problem <see cref="TenantsOptions.Validate"/> finds at start-up (the messages never contain a key).</summary>
public sealed class TenantsOptionsValidator : IValidateOptions<TenantsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TenantsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
