"""Wrong on purpose: the alias is set only when the model is first registered, so it never moves to a new version."""

import mlflow
from _common import choose, evaluate, start, sweep, train  # noqa: F401 - the contract
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def register_champion(model_uri, description):
    version = mlflow.register_model(model_uri, "wine-quality")
    client = MlflowClient()
    try:
        client.get_model_version_by_alias("wine-quality", "champion")
    except MlflowException:  # the mistake: only the first version ever gets the alias
        client.set_registered_model_alias("wine-quality", "champion", version.version)
    return str(version.version)
