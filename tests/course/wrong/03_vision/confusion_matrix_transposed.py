# notebook: vision.ipynb
# cell: confusion_matrix
# loses: test_confusion_matrix, test_confusion_matrix_values
# why: puts the predictions on the rows and the true classes on the columns
def confusion_matrix(predictions, targets, num_classes):
    pairs = predictions.to(torch.int64) * num_classes + targets.to(torch.int64)
    return torch.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)
