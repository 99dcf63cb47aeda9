"""Rasa's DIET model loaded for prediction without tracing its training step.

To give a loaded model's weights their shapes, Rasa 3.6 trains it on one example
(``RasaModel.load``: ``compile`` then ``fit``), then overwrites the weights from the
model file. That ``fit`` traces the whole training step, gradients of the CRF entity
layer included: most of the Rasa server's start-up, and graphs and optimizer state kept
in memory for as long as the server runs, though a served model never trains.

Here the shapes come from one prediction instead (the graph a served model runs
anyway), then the weights are read from the same file, every weight the prediction
uses checked to be in it (``assert_existing_objects_matched``: a weight left
unread fails the load), and the prediction graph is traced again, on the loaded weights
(DIET keeps the label embeddings it computed on first use). Finetuning
(``rasa train --finetune``) and a model without its prediction example still go
through Rasa's own load. tests/scale/test_model_loading.py checks that both loads give
the same intents, confidences and entities.
"""
from __future__ import annotations

from typing import Any, Optional, Text

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

_RASA_LOAD = RasaModel.load.__func__  # type: ignore[attr-defined]


def load_for_prediction(
    cls: type,
    model_file_name: Text,
    model_data_example: RasaModelData,
    predict_data_example: Optional[RasaModelData] = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """``RasaModel.load`` for a model that will only predict (see the module docstring)."""
    if finetune_mode or predict_data_example is None:
        return _RASA_LOAD(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                  run_eagerly=config.get(RUN_EAGERLY))
    model.run_inference(predict_data_example)  # creates the weights the prediction uses
    model.load_weights(model_file_name).assert_existing_objects_matched().expect_partial()
    model.prepared_for_prediction = False  # label embeddings were computed from the initial weights
    model._tf_predict_step = None  # and the traced graph captured them
    model.run_inference(predict_data_example)
    return model


def install() -> None:
    """Load every RasaModel in this process for prediction this way (idempotent)."""
    RasaModel.load = classmethod(load_for_prediction)  # type: ignore[method-assign,assignment]
