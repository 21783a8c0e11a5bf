/* libgit2 is linked from its static archive, so sota can be a fully static executable (no dynamic loader at
 * start-up). The archive's HTTP transport offers Kerberos ("Negotiate") authentication through GSSAPI, and Debian
 * ships no static GSSAPI library. sota never talks to a git remote (it reads local repositories and writes local
 * commits), so that code is never reached; these definitions satisfy the linker and, were they ever called, report
 * that no GSSAPI mechanism is available: libgit2 then fails the request with a network error naming that message
 * (a remote offering Negotiate would not fall back to another scheme).
 *
 * The types follow RFC 2744's C bindings, which libgit2 was compiled against.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;
typedef struct { OM_uint32 length; void *elements; } gss_OID_desc, *gss_OID;
typedef struct { size_t count; gss_OID elements; } gss_OID_set_desc, *gss_OID_set;
typedef struct { size_t length; void *value; } gss_buffer_desc, *gss_buffer_t;
typedef void *gss_name_t, *gss_ctx_id_t, *gss_cred_id_t, *gss_channel_bindings_t;

/* GSS_S_COMPLETE and GSS_S_FAILURE (a routine error: failure unspecified at the GSS-API level). */
enum { complete = 0, failure = 13u << 16 };

/* 1.2.840.113554.1.2.1.4, the host-based service name type. */
static gss_OID_desc hostbased_service = {10, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
gss_OID GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechanisms)
{
	*minor = 0;
	if (mechanisms)
		*mechanisms = NULL;
	return failure;
}

OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t name, gss_OID type, gss_name_t *output)
{
	(void)name, (void)type;
	*minor = 0;
	if (output)
		*output = NULL;
	return failure;
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t credential, gss_ctx_id_t *context, gss_name_t target,
                               gss_OID mechanism, OM_uint32 flags, OM_uint32 lifetime, gss_channel_bindings_t bindings,
                               gss_buffer_t input, gss_OID *actual_mechanism, gss_buffer_t output,
                               OM_uint32 *returned_flags, OM_uint32 *remaining_lifetime)
{
	(void)credential, (void)context, (void)target, (void)mechanism, (void)flags, (void)lifetime, (void)bindings,
		(void)input, (void)actual_mechanism, (void)returned_flags, (void)remaining_lifetime;
	*minor = 0;
	if (output) {
		output->length = 0;
		output->value = NULL;
	}
	return failure;
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t output)
{
	*minor = 0;
	if (context)
		*context = NULL;
	if (output) {
		output->length = 0;
		output->value = NULL;
	}
	return complete;
}

/* libgit2 prints this after its own context ("could not query mechanisms: ..."). The buffer is static:
 * gss_release_buffer below frees nothing. */
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, gss_OID mechanism, OM_uint32 *context,
                             gss_buffer_t message)
{
	static const char text[] = "GSSAPI is not available in this build of sota";
	(void)status, (void)type, (void)mechanism;
	*minor = 0;
	if (context)
		*context = 0;
	message->length = sizeof text - 1;
	message->value = (void *)text;
	return complete;
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer)
{
	*minor = 0;
	if (buffer) {
		buffer->length = 0;
		buffer->value = NULL;
	}
	return complete;
}

OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name)
{
	*minor = 0;
	if (name)
		*name = NULL;
	return complete;
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set)
{
	*minor = 0;
	if (set)
		*set = NULL;
	return complete;
}
