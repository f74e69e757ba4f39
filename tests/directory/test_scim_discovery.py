"""What the SCIM endpoint says about itself: only features it has, only attributes it keeps."""

from __future__ import annotations

from tests.builders.scim import ENTERPRISE, USER


def test_the_service_provider_config_names_what_is_supported(scim):
    config = scim.get("/ServiceProviderConfig").json()

    assert config["patch"] == {"supported": True}
    assert config["bulk"]["supported"] is False
    assert config["filter"] == {"supported": True, "maxResults": 200}
    assert config["changePassword"] == config["sort"] == {"supported": False}
    assert config["etag"] == {"supported": True}
    assert [scheme["type"] for scheme in config["authenticationSchemes"]] == ["oauthbearertoken"]


def test_the_resource_types_are_users_with_the_enterprise_extension_and_groups(scim):
    listed = scim.get("/ResourceTypes").json()
    one = scim.get("/ResourceTypes/User").json()

    assert [t["name"] for t in listed["Resources"]] == ["User", "Group"]
    assert one["schemaExtensions"] == [{"schema": ENTERPRISE, "required": False}]
    assert scim.get("/ResourceTypes/Pet").status_code == 404


def test_the_user_schema_advertises_only_the_attributes_we_keep(scim):
    schema = scim.get(f"/Schemas/{USER}").json()
    attributes = {a["name"]: a for a in schema["attributes"]}

    assert set(attributes) == {
        "userName",
        "name",
        "displayName",
        "title",
        "active",
        "emails",
        "groups",
    }
    assert [s["name"] for s in attributes["name"]["subAttributes"]] == ["familyName", "givenName"]
    assert attributes["emails"]["required"] and attributes["active"]["required"]
    assert attributes["groups"]["mutability"] == "readOnly"
    enterprise = scim.get(f"/Schemas/{ENTERPRISE}").json()
    manager = next(a for a in enterprise["attributes"] if a["name"] == "manager")
    assert [s["name"] for s in manager["subAttributes"]] == ["value", "$ref"]
